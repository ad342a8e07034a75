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
from notification.sms.rules import DELIVERY, Delivery
from skillcert.crypto import blind_index
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
_SMS = table_of(SmsDelivery)
_MARK_SENT = (
    update(_SMS)
    .where(_SMS.c.id == bindparam("b_id"))
    .values(
        status=SmsStatus.SENT,
        attempts=_SMS.c.attempts + 1,
        sent_at=bindparam("b_at"),
        provider=bindparam("b_provider"),
        provider_message_id=bindparam("b_provider_id"),
    )
)
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

    async def mark_sent(
        self, sent: list[tuple[UUID, str | None]], provider: str, at: datetime
    ) -> None:
        """Each (id, the provider's message id) sent, in one executemany."""
        if not sent:
            return
        await self.session.execute(
            _MARK_SENT,
            [
                {"b_id": sms_id, "b_provider_id": provider_id, "b_provider": provider, "b_at": at}
                for sms_id, provider_id in sent
            ],
        )

    async def record_delivery(
        self,
        provider: str,
        *,
        sms_id: UUID | None = None,
        provider_message_id: str | None = None,
        delivery: Delivery,
        error: str | None,
        at: datetime,
    ) -> bool | None:
        """Set the receipt's delivery on the message it names (by our id where the provider
        echoes it, else by its own id). True: set now; False: already set (a repeated receipt,
        nothing changes); None: no such message yet."""
        sms = table_of(SmsDelivery)
        match = (
            sms.c.id == sms_id
            if sms_id is not None
            else (sms.c.provider == provider) & (sms.c.provider_message_id == provider_message_id)
        )
        # DELIVERY allows a delivery to be set only once, from none: hence "IS NULL".
        assert DELIVERY.sources(delivery) == {None}
        result = await self.session.execute(
            update(sms)
            .where(match, sms.c.delivery.is_(None))
            .values(delivery=delivery, delivery_error=error, delivered_at=at)
        )
        if getattr(result, "rowcount", 0):
            return True
        exists = await self.session.execute(select(sms.c.id).where(match).limit(1))
        return False if exists.first() is not None else None

    async def sms_for_phone(self, phone: str, limit: int = 20) -> list[SmsDelivery]:
        query = (
            select(SmsDelivery)
            .where(SmsDelivery.phone_hash == blind_index(phone))
            .order_by(SmsDelivery.created_at.desc())
            .limit(limit)
        )
        return list((await self.session.execute(query)).scalars())
