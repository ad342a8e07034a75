from __future__ import annotations

from datetime import datetime
from uuid import UUID, uuid4

from sqlalchemy import JSON, DateTime, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from notification.base import Base
from skillcert.crypto import EncryptedText, blind_index_column, sync_blind_index


class Contact(Base):
    """Read model of an account's contact data, kept from identity.account.registered."""

    __tablename__ = "contacts"

    account_id: Mapped[UUID] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    #: encrypted at rest (skillcert.crypto)
    phone: Mapped[str | None] = mapped_column(EncryptedText())


class MessageTemplate(Base):
    """A message template (消息模板): templates are data, editable without a release."""

    __tablename__ = "message_templates"

    code: Mapped[str] = mapped_column(String(50), primary_key=True)
    title: Mapped[str] = mapped_column(String(100))
    inbox_text: Mapped[str] = mapped_column(Text)
    sms_text: Mapped[str | None] = mapped_column(Text)


class InboxMessage(Base):
    """An in-app message in a user's inbox (站内信, the bell)."""

    __tablename__ = "inbox_items"
    __table_args__ = (
        UniqueConstraint("source_event_id", "recipient_id"),
        Index("ix_inbox_items_recipient_created", "recipient_id", "created_at"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=uuid4)
    recipient_id: Mapped[UUID]
    template_code: Mapped[str] = mapped_column(String(50))
    title: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text)
    source_event_id: Mapped[UUID]
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class SmsDelivery(Base):
    """One SMS to send; the sender job retries failures with back-off. The provider's receipt
    (回执) later sets `delivery`: whether the handset got it."""

    __tablename__ = "sms_deliveries"
    __table_args__ = (
        Index("ix_sms_deliveries_pending", "status", "next_attempt_at"),
        Index("ix_sms_deliveries_provider_message", "provider", "provider_message_id"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=uuid4)
    # Encrypted at rest; the dev outbox finds a phone's messages by the keyed hash.
    phone: Mapped[str] = mapped_column(EncryptedText())
    phone_hash: Mapped[str] = blind_index_column(index=True)
    body: Mapped[str] = mapped_column(Text)
    template_code: Mapped[str] = mapped_column(String(50))
    # The template's parameters: providers fill their approved template, never our text.
    params: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(10))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    provider: Mapped[str | None] = mapped_column(String(10))
    provider_message_id: Mapped[str | None] = mapped_column(String(64))
    delivery: Mapped[str | None] = mapped_column(String(12))
    delivery_error: Mapped[str | None] = mapped_column(String(200))
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


sync_blind_index(SmsDelivery.phone, SmsDelivery.phone_hash)
