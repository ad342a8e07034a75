from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple
from uuid import UUID

from sqlalchemy import ScalarSelect, Select, bindparam, func, insert, null, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import Null

from notification.messages.models import Contact, InboxMessage, MessageTemplate, SmsDelivery
from notification.messages.rules import SmsStatus
from notification.plans.repository import PlanTitleRepository
from skillcert.db import table_of
from skillcert.paging import Keyset, Slice


class Recipe(NamedTuple):
    """What one message needs: its template, the recipient's phone, the plan title if asked."""

    title: str
    inbox_text: str
    sms_text: str | None
    phone: str | None
    plan_title: str | None


def _recipe(plan_title: ScalarSelect[str] | Null) -> Select[Any]:
    phone = (
        select(Contact.phone)
        .where(Contact.account_id == bindparam("b_recipient_id"))
        .scalar_subquery()
    )
    return select(
        MessageTemplate.title,
        MessageTemplate.inbox_text,
        MessageTemplate.sms_text,
        phone,
        plan_title,
    ).where(MessageTemplate.code == bindparam("b_code"))


#: Built once: building the statement and its cache key for every message cost more than
#: running it (a tenth of the service's CPU under a submit burst).
_RECIPE = _recipe(null())
_RECIPE_WITH_PLAN_TITLE = _recipe(PlanTitleRepository.title_of(bindparam("b_plan_id")))
_INSERT_INBOX = insert(table_of(InboxMessage))
_INSERT_SMS = insert(table_of(SmsDelivery))
NEWEST_FIRST = Keyset(InboxMessage.created_at, InboxMessage.id, descending=True)


class MessageRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def template(self, code: str) -> MessageTemplate | None:
        return await self.session.get(MessageTemplate, code)

    async def contact(self, account_id: UUID) -> Contact | None:
        return await self.session.get(Contact, account_id)

    async def recipe(
        self, code: str, recipient_id: UUID, plan_id: UUID | None = None
    ) -> Recipe | None:
        """Template, phone and, with `plan_id`, the plan's title in one round trip: every
        journey event sends a message, so this is on the submission benchmark's path."""
        parameters: dict[str, Any] = {"b_code": code, "b_recipient_id": recipient_id}
        if plan_id is not None:
            parameters["b_plan_id"] = plan_id
        query = _RECIPE if plan_id is None else _RECIPE_WITH_PLAN_TITLE
        row = (await self.session.execute(query, parameters)).one_or_none()
        return Recipe(*row) if row is not None else None

    # Table-level inserts built once, with the values as parameters: compiled once and cached,
    # unlike `insert(Model).values(...)`, which compiles on every call.
    async def add_inbox(self, values: dict[str, Any]) -> None:
        await self.session.execute(_INSERT_INBOX, values)

    async def add_sms(self, values: dict[str, Any]) -> None:
        await self.session.execute(_INSERT_SMS, values)

    async def inbox_page(
        self, recipient_id: UUID, cursor: str | None, limit: int
    ) -> Slice[InboxMessage]:
        query = select(InboxMessage).where(InboxMessage.recipient_id == recipient_id)
        return await NEWEST_FIRST.fetch(self.session, query, cursor, limit)

    async def unread_count(self, recipient_id: UUID) -> int:
        result = await self.session.execute(
            select(func.count())
            .select_from(InboxMessage)
            .where(InboxMessage.recipient_id == recipient_id, InboxMessage.read_at.is_(None))
        )
        return int(result.scalar_one())

    async def mark_read(self, recipient_id: UUID, item_id: UUID, at: datetime) -> bool:
        result = await self.session.execute(
            update(InboxMessage)
            .where(InboxMessage.id == item_id, InboxMessage.recipient_id == recipient_id)
            .values(read_at=func.coalesce(InboxMessage.read_at, at))
        )
        return bool(getattr(result, "rowcount", 0))

    async def due_sms(self, now: datetime, limit: int) -> list[SmsDelivery]:
        query = (
            select(SmsDelivery)
            .where(SmsDelivery.status == SmsStatus.PENDING, SmsDelivery.next_attempt_at <= now)
            .order_by(SmsDelivery.next_attempt_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return list((await self.session.execute(query)).scalars())

    async def mark_sent(self, ids: list[UUID], at: datetime) -> None:
        if not ids:
            return
        sms = table_of(SmsDelivery)
        await self.session.execute(
            update(sms)
            .where(sms.c.id.in_(ids))
            .values(status=SmsStatus.SENT, attempts=sms.c.attempts + 1, sent_at=at)
        )

    async def sms_for_phone(self, phone: str, limit: int = 20) -> list[SmsDelivery]:
        query = (
            select(SmsDelivery)
            .where(SmsDelivery.phone == phone)
            .order_by(SmsDelivery.created_at.desc())
            .limit(limit)
        )
        return list((await self.session.execute(query)).scalars())
