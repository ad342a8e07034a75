from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from scoring.base import Base


class ScoringPlan(Base):
    """Read model of an exam plan (考试计划), kept from exam.plan.published."""

    __tablename__ = "plans"

    plan_id: Mapped[UUID] = mapped_column(primary_key=True)
    org_id: Mapped[str] = mapped_column(String(50), index=True)
    org_name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(200))
    occupation_name: Mapped[str] = mapped_column(String(100))
    level: Mapped[int] = mapped_column(Integer)
    level_name: Mapped[str] = mapped_column(String(50))
    exam_starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    exam_ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # 登记 (score registration) and 公示 (publicity) windows; None in a publication older than them.
    scores_open_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    scores_close_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    publicity_opens_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    publicity_closes_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The certificate result rule (考证结果判定规则) as events.ResultRule.
    result_rule: Mapped[dict[str, Any]] = mapped_column(JSON)
    # occurred_at of the event this row reflects: an older re-delivery must not overwrite it.
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class PlanSubjectRule(Base):
    """A subject (科目) of a plan with its full and pass score (合格分数)."""

    __tablename__ = "plan_subjects"

    plan_id: Mapped[UUID] = mapped_column(
        ForeignKey("plans.plan_id", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(String(50), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    method: Mapped[str] = mapped_column(String(20))
    full_score: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    pass_score: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    position: Mapped[int] = mapped_column(Integer)
