from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from notification.messages.models import Contact, InboxMessage, MessageTemplate, SmsDelivery
from notification.messages.rules import SmsStatus


class MessageRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def template(self, code: str) -> MessageTemplate | None:
        return await self.session.get(MessageTemplate, code)

    async def contact(self, account_id: UUID) -> Contact | None:
        return await self.session.get(Contact, account_id)

    async def inbox_page(
        self, recipient_id: UUID, after: tuple[datetime, UUID] | None, limit: int
    ) -> list[InboxMessage]:
        query = select(InboxMessage).where(InboxMessage.recipient_id == recipient_id)
        if after is not None:
            created_at, item_id = after
            query = query.where(
                (InboxMessage.created_at < created_at)
                | ((InboxMessage.created_at == created_at) & (InboxMessage.id < item_id))
            )
        query = query.order_by(InboxMessage.created_at.desc(), InboxMessage.id.desc()).limit(limit)
        return list((await self.session.execute(query)).scalars())

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

    async def sms_for_phone(self, phone: str, limit: int = 20) -> list[SmsDelivery]:
        query = (
            select(SmsDelivery)
            .where(SmsDelivery.phone == phone)
            .order_by(SmsDelivery.created_at.desc())
            .limit(limit)
        )
        return list((await self.session.execute(query)).scalars())
