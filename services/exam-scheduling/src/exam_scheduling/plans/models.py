from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from exam_scheduling.base import Base


class Counter(Base):
    """Named counters for human-readable numbers (plan serials); portable to SQLite."""

    __tablename__ = "counters"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[int] = mapped_column(Integer)


class ExamPlan(Base):
    """An exam plan (考试计划) of a certifying organisation: windows, fee, subjects, conditions."""

    __tablename__ = "exam_plans"
    __table_args__ = (Index("ix_exam_plans_org_created", "org_id", "created_at"),)

    id: Mapped[UUID] = mapped_column(primary_key=True, default=uuid4)
    # Short readable number of the plan, part of every admission ticket number.
    serial: Mapped[int] = mapped_column(Integer, unique=True)
    # 计划编号 as people quote it: K + the day it was created (China) + the serial, K202612070007.
    number: Mapped[str] = mapped_column(String(20), unique=True)
    org_id: Mapped[str] = mapped_column(String(50))
    org_name: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(200))
    occupation_code: Mapped[str] = mapped_column(ForeignKey("occupations.code"))
    occupation_name: Mapped[str] = mapped_column(String(100))
    level: Mapped[int] = mapped_column(ForeignKey("levels.level"))
    level_name: Mapped[str] = mapped_column(String(50))
    registration_opens_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    registration_closes_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # 排考: sites set up rooms and seats are allocated.
    scheduling_opens_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    scheduling_closes_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    exam_starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    exam_ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # 登记: scores are registered; 公示: results are shown before certificates are issued.
    scores_open_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    scores_close_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    publicity_opens_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    publicity_closes_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # Until when a paid candidate may withdraw (退考) with the fee refunded and the seat freed.
    withdrawal_closes_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    fee_fen: Mapped[int] = mapped_column(Integer)
    requires_mail_in: Mapped[bool] = mapped_column(Boolean, default=False)
    # Eligibility conditions (申报条件) travel as a unit with the plan and are never queried.
    conditions: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    # The certificate result rule (考证结果判定规则), as events.ResultRule; read as a unit.
    result_rule: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cancel_reason: Mapped[str | None] = mapped_column(String(200))

    subjects: Mapped[list[PlanSubject]] = relationship(
        lazy="raise", order_by="PlanSubject.position", cascade="all, delete-orphan"
    )


class PlanSubject(Base):
    """A subject (科目) of a plan: 机考, 实操 or 笔试, with its full and pass score."""

    __tablename__ = "plan_subjects"

    plan_id: Mapped[UUID] = mapped_column(
        ForeignKey("exam_plans.id", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(100))
    method: Mapped[str] = mapped_column(String(20))
    full_score: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    pass_score: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    #: the groups (参考对象) the subject is for; empty for all candidates (所有考生)
    audience: Mapped[list[str]] = mapped_column(JSON, default=list)


class PlanSite(Base):
    """A site taking part in a plan; `position` orders allocation and is in ticket numbers."""

    __tablename__ = "plan_sites"
    __table_args__ = (UniqueConstraint("plan_id", "position"),)

    plan_id: Mapped[UUID] = mapped_column(
        ForeignKey("exam_plans.id", ondelete="CASCADE"), primary_key=True
    )
    site_id: Mapped[UUID] = mapped_column(ForeignKey("sites.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
