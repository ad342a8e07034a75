from __future__ import annotations

from datetime import date, datetime
from uuid import UUID, uuid4

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from payment.base import Base


class ReconciliationRun(Base):
    """One comparison of the provider's trade bill (交易账单) of a day with our orders."""

    __tablename__ = "reconciliation_runs"
    __table_args__ = (
        # The daily job runs once per bill date even with several replicas; on-demand runs
        # may repeat a date as often as ops like.
        Index(
            "uq_reconciliation_runs_scheduled_date",
            "bill_date",
            unique=True,
            postgresql_where=text("trigger = 'scheduled' AND status = 'succeeded'"),
            sqlite_where=text("trigger = 'scheduled' AND status = 'succeeded'"),
        ),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=uuid4)
    bill_date: Mapped[date] = mapped_column(Date, index=True)
    trigger: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    requested_by: Mapped[UUID | None]
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    provider_rows: Mapped[int] = mapped_column(Integer, default=0)
    matched: Mapped[int] = mapped_column(Integer, default=0)
    differences: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(String(500))


class ReconciliationFinding(Base):
    """One difference between the bill and our orders, and what was done about it."""

    __tablename__ = "reconciliation_findings"

    id: Mapped[UUID] = mapped_column(primary_key=True, default=uuid4)
    run_id: Mapped[UUID] = mapped_column(
        ForeignKey("reconciliation_runs.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(30))
    action: Mapped[str] = mapped_column(String(20))
    out_trade_no: Mapped[str] = mapped_column(String(32))
    order_id: Mapped[UUID | None]
    provider_transaction_id: Mapped[str | None] = mapped_column(String(64))
    our_amount_fen: Mapped[int | None] = mapped_column(Integer)
    provider_amount_fen: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[str] = mapped_column(String(300))
