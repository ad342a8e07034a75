from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from review.base import Base
from skillcert.crypto import EncryptedText

# SQLite only auto-increments an INTEGER PRIMARY KEY.
_SeqType = BigInteger().with_variant(Integer(), "sqlite")


class ReviewCase(Base):
    """A review case (审核案件): one per application, holding its latest revision under review,
    its status and who has claimed it (领取)."""

    __tablename__ = "review_cases"
    __table_args__ = (Index("ix_review_cases_queue", "org_id", "status", "submitted_at", "id"),)

    id: Mapped[UUID] = mapped_column(primary_key=True, default=uuid4)
    application_id: Mapped[UUID] = mapped_column(unique=True)
    candidate_id: Mapped[UUID]
    plan_id: Mapped[UUID] = mapped_column(index=True)
    org_id: Mapped[str] = mapped_column(String(50))
    #: the institution (试点院校) whose student roster holds the candidate, if any
    institution_id: Mapped[str | None] = mapped_column(String(50))
    status: Mapped[str] = mapped_column(String(20))
    revision: Mapped[int] = mapped_column(Integer)
    candidate_name: Mapped[str] = mapped_column(String(100))
    id_type: Mapped[str] = mapped_column(String(30))
    # Encrypted at rest (skillcert.crypto); never looked up by.
    id_number: Mapped[str] = mapped_column(EncryptedText())
    phone: Mapped[str | None] = mapped_column(EncryptedText())
    birth_date: Mapped[date | None] = mapped_column(Date)
    condition_code: Mapped[str | None] = mapped_column(String(50))
    years_worked: Mapped[int | None] = mapped_column(Integer)
    documents: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    # PriorCertificate / WorkPeriod dumps as submitted; null on cases opened before review kept
    # them (shown as none).
    prior_certificate: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    work_history: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    total_work_months: Mapped[int | None] = mapped_column(Integer)
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    claimed_by: Mapped[UUID | None]
    claimed_by_name: Mapped[str | None] = mapped_column(String(100))
    claim_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CaseRevision(Base):
    """One submitted revision (报名版本) of the application, as it arrived: the case history."""

    __tablename__ = "review_case_revisions"
    __table_args__ = (UniqueConstraint("case_id", "revision"),)

    id: Mapped[UUID] = mapped_column(primary_key=True, default=uuid4)
    case_id: Mapped[UUID] = mapped_column(ForeignKey("review_cases.id"), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    source_event_type: Mapped[str] = mapped_column(String(100))
    source_event_id: Mapped[UUID]
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    condition_code: Mapped[str | None] = mapped_column(String(50))
    years_worked: Mapped[int | None] = mapped_column(Integer)
    total_work_months: Mapped[int | None] = mapped_column(Integer)
    # The application as submitted in this revision (documents included), for the history view.
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    outcome: Mapped[str] = mapped_column(String(20))


class CaseFinding(Base):
    """The result of one automatic pre-check (自动预审) of one revision."""

    __tablename__ = "review_findings"
    __table_args__ = (Index("ix_review_findings_case_revision", "case_id", "revision"),)

    id: Mapped[UUID] = mapped_column(primary_key=True, default=uuid4)
    case_id: Mapped[UUID] = mapped_column(ForeignKey("review_cases.id"))
    revision: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(50))
    outcome: Mapped[str] = mapped_column(String(10))
    message: Mapped[str] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(JSON)


class CaseDecision(Base):
    """A reviewer's decision (审核意见) on one revision, with the reasons the candidate reads."""

    __tablename__ = "review_decisions"

    id: Mapped[UUID] = mapped_column(primary_key=True, default=uuid4)
    case_id: Mapped[UUID] = mapped_column(ForeignKey("review_cases.id"), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(20))
    reasons: Mapped[list[dict[str, str]]] = mapped_column(JSON)
    comment: Mapped[str | None] = mapped_column(Text)
    reviewer_id: Mapped[UUID]
    reviewer_name: Mapped[str] = mapped_column(String(100))
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AuditEntry(Base):
    """The audit trail (审核日志): who did what to a case, when and why. Append-only."""

    __tablename__ = "review_audit_entries"

    seq: Mapped[int] = mapped_column(_SeqType, primary_key=True, autoincrement=True)
    case_id: Mapped[UUID] = mapped_column(ForeignKey("review_cases.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor_kind: Mapped[str] = mapped_column(String(10))
    actor_id: Mapped[UUID | None]
    actor_name: Mapped[str | None] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(30))
    revision: Mapped[int] = mapped_column(Integer)
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str | None] = mapped_column(String(20))
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
