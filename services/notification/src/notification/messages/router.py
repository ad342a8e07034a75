from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import Depends, Query, Request

from notification.context import context
from notification.messages.schemas import DevSms, InboxItem, UnreadCount
from notification.messages.service import MessageService
from skillcert.auth import CurrentPrincipal, Principal, Role, require_roles
from skillcert.errors import NotFound, problem_responses
from skillcert.http import DbSession, service_router
from skillcert.paging import Page
from skillcert.settings import Profile

router = service_router("/api/v1/notification", tags=["notification"])

Ops = Annotated[Principal, Depends(require_roles(Role.OPS))]


@router.get("/inbox", response_model=Page[InboxItem], responses=problem_responses(401, 422))
async def list_inbox(
    principal: CurrentPrincipal,
    session: DbSession,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> Page[InboxItem]:
    """The caller's in-app messages, newest first."""
    items = await MessageService(session).inbox(principal.account_id, cursor, limit)
    return items.page(InboxItem.model_validate)


@router.get("/inbox/unread-count", response_model=UnreadCount)
async def unread_count(principal: CurrentPrincipal, session: DbSession) -> UnreadCount:
    return UnreadCount(unread=await MessageService(session).unread(principal.account_id))


@router.post("/inbox/{item_id}/read", status_code=204, responses=problem_responses(401, 404))
async def mark_read(item_id: UUID, principal: CurrentPrincipal, session: DbSession) -> None:
    await MessageService(session).mark_read(principal.account_id, item_id)


@router.get("/dev/sms", response_model=list[DevSms], responses=problem_responses(404))
async def dev_sms_outbox(
    request: Request,
    session: DbSession,
    phone: Annotated[str, Query(pattern=r"^1[3-9]\d{9}$")],
) -> list[DevSms]:
    """Development only: the SMS a phone number would have received (the dev outbox)."""
    settings = context(request).settings
    if settings.profile is Profile.PROD or not settings.dev_sms_outbox:
        raise NotFound()
    return [DevSms.model_validate(s) for s in await MessageService(session).dev_outbox(phone)]
