from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import JSON, DateTime, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from scoring.base import Base


class ScoreSheet(Base):
    """The scoring state of one plan (成绩登记 → 成绩公示 → 永久锁定); see rules.TRANSITIONS."""

    __tablename__ = "score_sheets"

    plan_id: Mapped[UUID] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(20))
    publicity_starts_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    publicity_ends_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    publicity_started_by: Mapped[UUID | None]
    locked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    locked_by: Mapped[UUID | None]
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Score(Base):
    """A candidate's score in one subject (科目成绩)."""

    __tablename__ = "scores"
    __table_args__ = (UniqueConstraint("plan_id", "application_id", "subject_code"),)

    id: Mapped[UUID] = mapped_column(primary_key=True, default=uuid4)
    plan_id: Mapped[UUID]
    application_id: Mapped[UUID] = mapped_column(index=True)
    subject_code: Mapped[str] = mapped_column(String(50))
    score: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    recorded_by: Mapped[UUID]
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ScoreChange(Base):
    """Audit of a changed score (成绩更正记录): old, new, who, when and why."""

    __tablename__ = "score_changes"
    __table_args__ = (Index("ix_score_changes_plan_changed", "plan_id", "changed_at"),)

    id: Mapped[UUID] = mapped_column(primary_key=True, default=uuid4)
    plan_id: Mapped[UUID]
    application_id: Mapped[UUID]
    ticket_number: Mapped[str] = mapped_column(String(40))
    subject_code: Mapped[str] = mapped_column(String(50))
    old_score: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    new_score: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    source: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)
    changed_by: Mapped[UUID]
    changed_by_name: Mapped[str] = mapped_column(String(100))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CertificateResult(Base):
    """The certificate result (考证结果) of a candidate, determined when the plan is locked."""

    __tablename__ = "results"
    __table_args__ = (UniqueConstraint("plan_id", "application_id"),)

    id: Mapped[UUID] = mapped_column(primary_key=True, default=uuid4)
    plan_id: Mapped[UUID]
    application_id: Mapped[UUID]
    candidate_id: Mapped[UUID] = mapped_column(index=True)
    ticket_number: Mapped[str] = mapped_column(String(40))
    result: Mapped[str] = mapped_column(String(10))
    # [{subject_code, score, passed}] as sent in scoring.result.determined.v1
    subject_scores: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    determined_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ScoreObjection(Base):
    """A candidate's objection (成绩异议) to one subject score, raised during publicity and
    answered by the organisation: corrected (with an audited change) or explained. While open it
    holds that candidate's result (the lock skips them until it is answered)."""

    __tablename__ = "objections"
    __table_args__ = (Index("ix_objections_plan_status", "plan_id", "status"),)

    id: Mapped[UUID] = mapped_column(primary_key=True, default=uuid4)
    plan_id: Mapped[UUID]
    application_id: Mapped[UUID] = mapped_column(index=True)
    candidate_id: Mapped[UUID] = mapped_column(index=True)
    ticket_number: Mapped[str] = mapped_column(String(40))
    candidate_name: Mapped[str] = mapped_column(String(100))
    subject_code: Mapped[str] = mapped_column(String(50))
    reason: Mapped[str] = mapped_column(Text)
    attachment_key: Mapped[str | None] = mapped_column(String(300))
    attachment_name: Mapped[str | None] = mapped_column(String(200))
    attachment_type: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20))
    raised_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    answer: Mapped[str | None] = mapped_column(Text)
    change_id: Mapped[UUID | None]
    answered_by: Mapped[UUID | None]
    answered_by_name: Mapped[str | None] = mapped_column(String(100))
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class SubjectAbsence(Base):
    """A candidate absent (缺考) from a subject's session, as exam-scheduling's check-in
    recorded it (exam.session.absentees_recorded): no score may be given for that subject, and
    the result treats it as not sat (not passed)."""

    __tablename__ = "subject_absences"

    plan_id: Mapped[UUID] = mapped_column(primary_key=True)
    application_id: Mapped[UUID] = mapped_column(primary_key=True)
    subject_code: Mapped[str] = mapped_column(String(50), primary_key=True)
    candidate_id: Mapped[UUID]
    ticket_number: Mapped[str] = mapped_column(String(40))
    session_id: Mapped[UUID]
    room_id: Mapped[UUID]
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
