from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import Depends, Query

from notification.messages.schemas import DevSmsOut, InboxItemOut, UnreadCountOut
from notification.messages.service import MessageService
from skillcert.access import Owner, access
from skillcert.auth import CurrentPrincipal, Principal, Role, require_roles
from skillcert.errors import problem_responses
from skillcert.http import DbSession, service_router
from skillcert.paging import Page

router = service_router("/api/v1/notification", tags=["notification"])
# Development only (`dev_sms_outbox`): mounted where a developer switched it on, never in prod.
dev_router = service_router("/api/v1/notification/dev", tags=["development"])

Ops = Annotated[Principal, Depends(require_roles(Role.OPS))]


@router.get(
    "/inbox",
    response_model=Page[InboxItemOut],
    responses=problem_responses(401, 422),
    **access(
        candidate=Owner.OWN,
        reviewer=Owner.OWN,
        org_admin=Owner.OWN,
        institution_admin=Owner.OWN,
        institution_head=Owner.OWN,
        province_admin=Owner.OWN,
        city_reviewer=Owner.OWN,
        invigilator=Owner.OWN,
        inspector=Owner.OWN,
        ops=Owner.OWN,
    ),
)
async def list_inbox(
    principal: CurrentPrincipal,
    session: DbSession,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> Page[InboxItemOut]:
    """The caller's in-app messages, newest first."""
    items = await MessageService(session).inbox(principal.account_id, cursor, limit)
    return items.page(InboxItemOut.model_validate)


@router.get(
    "/inbox/unread-count",
    response_model=UnreadCountOut,
    **access(
        candidate=Owner.OWN,
        reviewer=Owner.OWN,
        org_admin=Owner.OWN,
        institution_admin=Owner.OWN,
        institution_head=Owner.OWN,
        province_admin=Owner.OWN,
        city_reviewer=Owner.OWN,
        invigilator=Owner.OWN,
        inspector=Owner.OWN,
        ops=Owner.OWN,
    ),
)
async def unread_count(principal: CurrentPrincipal, session: DbSession) -> UnreadCountOut:
    return UnreadCountOut(unread=await MessageService(session).unread(principal.account_id))


@router.post(
    "/inbox/{item_id}/read",
    status_code=204,
    responses=problem_responses(401, 404),
    **access(
        candidate=Owner.OWN,
        reviewer=Owner.OWN,
        org_admin=Owner.OWN,
        institution_admin=Owner.OWN,
        institution_head=Owner.OWN,
        province_admin=Owner.OWN,
        city_reviewer=Owner.OWN,
        invigilator=Owner.OWN,
        inspector=Owner.OWN,
        ops=Owner.OWN,
    ),
)
async def mark_read(item_id: UUID, principal: CurrentPrincipal, session: DbSession) -> None:
    await MessageService(session).mark_read(principal.account_id, item_id)


@dev_router.get(
    "/sms",
    response_model=list[DevSmsOut],
    responses=problem_responses(401, 403, 422),
    **access(ops=Owner.ANY),
)
async def dev_sms_outbox(
    _: Ops,
    session: DbSession,
    phone: Annotated[str, Query(pattern=r"^1[3-9]\d{9}$")],
) -> list[DevSmsOut]:
    """Development only: the SMS a phone number would have received (the dev outbox). The codes
    in it sign anyone in, so only ops may read it."""
    return [DevSmsOut.model_validate(s) for s in await MessageService(session).dev_outbox(phone)]
