from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import JSON, DateTime, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from payment.base import Base


class PlanFee(Base):
    """Read model of an exam plan (考试计划) and its fee, kept from exam.plan.published."""

    __tablename__ = "plans"

    plan_id: Mapped[UUID] = mapped_column(primary_key=True)
    org_id: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    fee_fen: Mapped[int] = mapped_column(Integer)
    registration_opens_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    registration_closes_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    exam_starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    exam_ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # The plan's subjects (科目代码) in published order: payment requests by subject price
    # each subject as its share of the fee (see payment_requests.rules.subject_fees).
    subject_codes: Mapped[list[str]] = mapped_column(
        JSON, default=list, server_default=text("'[]'")
    )
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
