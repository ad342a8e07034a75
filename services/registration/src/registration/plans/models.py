from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import JSON, Boolean, DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from registration.base import Base


class ExamPlan(Base):
    """Read model of an exam plan (考试计划), kept from exam.plan.published and
    exam.plan.cancelled; never edited here."""

    __tablename__ = "exam_plans"
    __table_args__ = (Index("ix_exam_plans_window", "registration_closes_at", "plan_id"),)

    plan_id: Mapped[UUID] = mapped_column(primary_key=True)
    org_id: Mapped[str] = mapped_column(String(50))
    org_name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(200))
    occupation_code: Mapped[str] = mapped_column(String(50), index=True)
    occupation_name: Mapped[str] = mapped_column(String(100))
    level: Mapped[int] = mapped_column(Integer)
    level_name: Mapped[str] = mapped_column(String(50))
    registration_opens_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    registration_closes_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    exam_starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    exam_ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # Until when a paid candidate may withdraw (退考 with a refund).
    withdrawal_closes_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    fee_fen: Mapped[int] = mapped_column(Integer)
    requires_mail_in: Mapped[bool] = mapped_column(Boolean, default=False)
    subjects: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    conditions: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    # occurred_at of the event this row reflects: an older republication never overwrites it.
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # exam.plan.cancelled: the plan takes no applications any more; a republication never
    # clears this (exam-scheduling has no way back from cancelled).
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cancel_reason: Mapped[str | None] = mapped_column(Text)
