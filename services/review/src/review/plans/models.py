from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import JSON, DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from review.base import Base


class ReviewPlan(Base):
    """Read model of an exam plan (考试计划), kept from exam.plan.published: who owns it and
    its eligibility conditions (申报条件), which drive the automatic pre-checks."""

    __tablename__ = "review_plans"

    plan_id: Mapped[UUID] = mapped_column(primary_key=True)
    org_id: Mapped[str] = mapped_column(String(50), index=True)
    org_name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(200))
    level: Mapped[int] = mapped_column(Integer)
    # PlanCondition dumps, as published; parsed back with skillcert.events.PlanCondition.
    conditions: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
