from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import JSON, Boolean, DateTime, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column

from review.base import Base


class ReviewPlan(Base):
    """Read model of an exam plan (考试计划), kept from exam.plan.published: who owns it, its
    occupation, eligibility conditions (申报条件) and mail-in rule, which drive the automatic
    pre-checks."""

    __tablename__ = "review_plans"

    plan_id: Mapped[UUID] = mapped_column(primary_key=True)
    org_id: Mapped[str] = mapped_column(String(50), index=True)
    org_name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(200))
    level: Mapped[int] = mapped_column(Integer)
    # Null only for plans published before review kept them; their occupation check is skipped.
    occupation_code: Mapped[str | None] = mapped_column(String(50))
    occupation_name: Mapped[str | None] = mapped_column(String(100))
    requires_mail_in: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The mail-in deadline is the end of registration (seed 004: 须在考试报名期限内邮寄).
    registration_closes_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # PlanCondition dumps, as published; parsed back with skillcert.events.PlanCondition.
    conditions: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # Set from exam.plan.cancelled; a cancelled plan takes no new submissions.
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cancel_reason: Mapped[str | None] = mapped_column(String(500))
