from __future__ import annotations

from datetime import datetime
from uuid import UUID, uuid4

from sqlalchemy import Boolean, DateTime, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from payment.base import Base


class Order(Base):
    """A payment order (缴费订单) for one application: a WeChat Pay Native (QR code) order, or
    (kind institution) the share of a confirmed institution payment request (paid offline)."""

    __tablename__ = "orders"
    __table_args__ = (
        # At most one QR code can be paid per application at a time, whatever races occur.
        Index(
            "uq_orders_one_pending_per_application",
            "application_id",
            unique=True,
            postgresql_where=text("status = 'pending'"),
            sqlite_where=text("status = 'pending'"),
        ),
        Index("ix_orders_pending_expiry", "status", "expires_at"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=uuid4)
    out_trade_no: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default="native", server_default="native")
    application_id: Mapped[UUID] = mapped_column(index=True)
    candidate_id: Mapped[UUID]
    plan_id: Mapped[UUID]
    amount_fen: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3))
    description: Mapped[str] = mapped_column(String(127))
    status: Mapped[str] = mapped_column(String(20))
    code_url: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_queried_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    paid_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    provider_transaction_id: Mapped[str | None] = mapped_column(String(64))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    refund_review: Mapped[str | None] = mapped_column(String(20))
    # Whether OrderPaid went out: payments refunded without ever counting (duplicates,
    # withdrawn applications) must not announce a refund either.
    announced: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    refunded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
