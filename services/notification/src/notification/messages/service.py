"""Notification operations: in-app messages (the bell) and SMS from templates."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from uuid import UUID, uuid4

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from notification.messages.models import Contact, InboxMessage, MessageTemplate, SmsDelivery
from notification.messages.repository import MessageRepository
from notification.messages.rules import DEFAULT_TEMPLATES, SmsStatus, fill, retry_delay
from notification.sms.rules import SmsSendError
from notification.sms.senders import OutgoingSms, SmsSender
from skillcert.clock import utcnow
from skillcert.crypto import blind_index
from skillcert.errors import NotFound
from skillcert.paging import Slice
from skillcert.pii import mask_phone

log = logging.getLogger("notification")


class MessageService:
    def __init__(self, session: AsyncSession, sms_signature: str = "") -> None:
        self.session = session
        self.repo = MessageRepository(session)
        self.sms_signature = sms_signature

    async def remember_contact(self, account_id: UUID, name: str, phone: str | None) -> None:
        contact = await self.repo.contact(account_id)
        if contact is None:
            self.session.add(Contact(account_id=account_id, name=name, phone=phone))
        else:
            contact.name, contact.phone = name, phone
        await self.session.flush()

    async def notify(
        self,
        recipient_id: UUID,
        template_code: str,
        params: Mapping[str, object],
        source_event_id: UUID,
        *,
        sms: bool = True,
        plan_id: UUID | None = None,
    ) -> UUID:
        """Put the message in the recipient's inbox and queue its SMS; with `plan_id` the
        texts get `{plan_title}`. Returns the inbox item's id."""
        recipe = await self.repo.recipe(template_code, recipient_id, plan_id)
        if recipe is None:
            raise NotFound(f"message template {template_code} is missing")
        if recipe.plan_title is not None:
            params = {"plan_title": recipe.plan_title, **params}
        item_id = uuid4()
        await self.repo.add_inbox(
            {
                "id": item_id,
                "recipient_id": recipient_id,
                "template_code": template_code,
                "title": recipe.title,
                "body": fill(recipe.inbox_text, params),
                "source_event_id": source_event_id,
                "created_at": utcnow(),
            }
        )
        if sms and recipe.sms_text and recipe.phone:
            await self.repo.add_sms(
                self._sms(recipe.phone, fill(recipe.sms_text, params), template_code, params)
            )
        return item_id

    async def send_code(self, phone: str, code: str, minutes: int) -> None:
        await self.send_to_phone(phone, "sms_code", {"code": code, "minutes": minutes})

    async def send_to_phone(
        self, phone: str, template_code: str, params: Mapping[str, object]
    ) -> None:
        """An SMS to a phone that is no inbox's (yet): codes, first credentials."""
        template = await self.repo.template(template_code)
        if template is None or not template.sms_text:
            raise NotFound(f"message template {template_code} is missing")
        await self.repo.add_sms(
            self._sms(phone, fill(template.sms_text, params), template_code, params)
        )

    async def mail_text(self, template_code: str, params: Mapping[str, object]) -> tuple[str, str]:
        """A staff e-mail from a template: its title as the subject, its SMS text as the body."""
        template = await self.repo.template(template_code)
        if template is None or not template.sms_text:
            raise NotFound(f"message template {template_code} is missing")
        body = fill(template.sms_text, params)
        return (
            template.title,
            f"{body}\n\n——{self.sms_signature.strip('【】')}（系统邮件，请勿回复）\n",
        )

    def _sms(
        self, phone: str, text: str, template_code: str, params: Mapping[str, object]
    ) -> dict[str, object]:
        at = utcnow()
        return {
            "id": uuid4(),
            "phone": phone,
            # a Core insert: the keyed hash is ours to set
            "phone_hash": blind_index(phone),
            "body": f"{self.sms_signature}{text}",
            "template_code": template_code,
            "params": {name: str(value) for name, value in params.items()},
            "status": SmsStatus.PENDING,
            "attempts": 0,
            "created_at": at,
            "next_attempt_at": at,
        }

    async def inbox(
        self, recipient_id: UUID, cursor: str | None, limit: int
    ) -> Slice[InboxMessage]:
        return await self.repo.inbox_page(recipient_id, cursor, limit)

    async def unread(self, recipient_id: UUID) -> int:
        return await self.repo.unread_count(recipient_id)

    async def mark_read(self, recipient_id: UUID, item_id: UUID) -> None:
        if not await self.repo.mark_read(recipient_id, item_id, utcnow()):
            raise NotFound("消息不存在")

    async def dev_outbox(self, phone: str) -> list[SmsDelivery]:
        return await self.repo.sms_for_phone(phone)


async def seed_templates(session: AsyncSession) -> None:
    """Insert the default templates that are missing; edited ones are left alone."""
    for code, (title, inbox_text, sms_text) in DEFAULT_TEMPLATES.items():
        if await session.get(MessageTemplate, code) is None:
            session.add(
                MessageTemplate(code=code, title=title, inbox_text=inbox_text, sms_text=sms_text)
            )
    await session.flush()


async def deliver_due_sms(
    sessionmaker: async_sessionmaker[AsyncSession],
    sender: SmsSender,
    max_attempts: int,
    batch: int = 50,
    as_of: datetime | None = None,
) -> int:
    """Send one batch of SMS due by `as_of` (now). A provider's permanent refusal (bad number,
    unapproved template) fails the message at once; anything else (throttling, the provider's
    own faults, the network) is retried with back-off until `max_attempts`, then failed."""
    async with sessionmaker() as session:
        repo = MessageRepository(session)
        now = as_of or utcnow()
        due = await repo.due_sms(now, batch)
        sent: list[tuple[UUID, str | None]] = []
        for sms in due:
            outgoing = OutgoingSms(sms.id, sms.phone, sms.template_code, sms.params, sms.body)
            try:
                provider_id = await sender.send(outgoing)
            except Exception as exc:
                sms.attempts += 1
                sms.last_error = (
                    str(exc)[:500] if isinstance(exc, SmsSendError) else repr(exc)[:500]
                )
                permanent = isinstance(exc, SmsSendError) and exc.permanent
                if permanent or sms.attempts >= max_attempts:
                    sms.status = SmsStatus.FAILED
                    log.error("SMS to %s failed for good: %s", mask_phone(sms.phone), exc)
                else:
                    sms.next_attempt_at = now + retry_delay(sms.attempts)
                    log.warning("SMS to %s will be retried: %s", mask_phone(sms.phone), exc)
            else:
                sent.append((sms.id, provider_id))
        # One statement for the batch that went out (an SMS per submission in peak season);
        # the failures, rare, go through the unit of work above.
        await repo.mark_sent(sent, sender.provider, utcnow())
        await session.commit()
        return len(due)
