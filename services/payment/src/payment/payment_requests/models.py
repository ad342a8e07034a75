from __future__ import annotations

from datetime import datetime
from uuid import UUID, uuid4

from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from payment.base import Base
from skillcert.crypto import EncryptedText


class PaymentRequest(Base):
    """An institution's payment request (缴费申请单) for its students of one plan, paid
    offline and confirmed by the organisation with its number (缴费单号)."""

    __tablename__ = "payment_requests"

    id: Mapped[UUID] = mapped_column(primary_key=True, default=uuid4)
    request_no: Mapped[str] = mapped_column(String(20), unique=True)
    plan_id: Mapped[UUID] = mapped_column(index=True)
    plan_title: Mapped[str] = mapped_column(String(200))
    org_id: Mapped[str] = mapped_column(String(64), index=True)
    institution_id: Mapped[str] = mapped_column(String(64), index=True)
    mode: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    item_count: Mapped[int] = mapped_column(Integer)
    student_count: Mapped[int] = mapped_column(Integer)
    total_fen: Mapped[int] = mapped_column(Integer)
    created_by: Mapped[UUID]
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    confirmed_by: Mapped[UUID | None]
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    items: Mapped[list[PaymentRequestItem]] = relationship(
        back_populates="request",
        cascade="all, delete-orphan",
        order_by="PaymentRequestItem.line",
        lazy="raise",
    )


class PaymentRequestItem(Base):
    """One imported line: a student's certificate, or one subject of it."""

    __tablename__ = "payment_request_items"

    id: Mapped[UUID] = mapped_column(primary_key=True, default=uuid4)
    request_id: Mapped[UUID] = mapped_column(
        ForeignKey("payment_requests.id", ondelete="CASCADE"), index=True
    )
    line: Mapped[int] = mapped_column(Integer)
    application_id: Mapped[UUID] = mapped_column(index=True)
    candidate_id: Mapped[UUID]
    candidate_name: Mapped[str] = mapped_column(String(50))
    #: encrypted at rest (skillcert.crypto)
    id_number: Mapped[str] = mapped_column(EncryptedText())
    subject_code: Mapped[str | None] = mapped_column(String(32))
    amount_fen: Mapped[int] = mapped_column(Integer)

    request: Mapped[PaymentRequest] = relationship(back_populates="items", lazy="raise")
