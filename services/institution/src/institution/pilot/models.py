from __future__ import annotations

from datetime import datetime
from uuid import UUID, uuid4

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from institution.base import Base


class PilotPlan(Base):
    """A province's pilot application plan of a year (证书申报计划): one per province and year;
    the province adds batches to it (a second batch for late certificates, 补报)."""

    __tablename__ = "pilot_plans"
    __table_args__ = (UniqueConstraint("province", "year"),)

    id: Mapped[UUID] = mapped_column(primary_key=True, default=uuid4)
    province: Mapped[str] = mapped_column(String(6))
    year: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(100))
    created_by: Mapped[UUID]
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class PilotBatch(Base):
    """A batch of a plan (申报批次): its window, the certificates on offer, and whether majors
    are required (是否要求按专业填报) and the city reviews first (是否需要地市级教育局审批)."""

    __tablename__ = "pilot_batches"
    __table_args__ = (UniqueConstraint("plan_id", "name"),)

    id: Mapped[UUID] = mapped_column(primary_key=True, default=uuid4)
    plan_id: Mapped[UUID] = mapped_column(ForeignKey("pilot_plans.id"), index=True)
    name: Mapped[str] = mapped_column(String(50))
    opens_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    closes_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    certificate_codes: Mapped[list[str]] = mapped_column(JSON)
    majors_required: Mapped[bool] = mapped_column(Boolean)
    city_review_first: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class PilotApplication(Base):
    """An institution's application for one certificate in a plan's year (证书试点申报). One per
    institution, certificate and plan: a rejected one is edited and submitted again."""

    __tablename__ = "pilot_applications"
    __table_args__ = (
        UniqueConstraint("plan_id", "institution_code", "certificate_code"),
        Index("ix_pilot_applications_queue", "province", "status", "submitted_at"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=uuid4)
    plan_id: Mapped[UUID] = mapped_column(ForeignKey("pilot_plans.id"))
    batch_id: Mapped[UUID] = mapped_column(ForeignKey("pilot_batches.id"), index=True)
    institution_code: Mapped[str] = mapped_column(ForeignKey("directory_entries.code"), index=True)
    province: Mapped[str] = mapped_column(String(6))
    city: Mapped[str] = mapped_column(String(6))
    certificate_code: Mapped[str] = mapped_column(String(20))
    majors: Mapped[list[str]] = mapped_column(JSON)
    planned_headcount: Mapped[int] = mapped_column(Integer)
    teachers: Mapped[str] = mapped_column(Text)  # 师资情况, sanitised HTML
    venue: Mapped[str] = mapped_column(Text)  # 场地情况, sanitised HTML
    status: Mapped[str] = mapped_column(String(20))
    approved_headcount: Mapped[int | None] = mapped_column(Integer)
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[UUID]
    submitted_by: Mapped[UUID | None]
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class PilotAttachment(Base):
    """A supporting document (其他佐证材料): uploaded straight to object storage with a presigned
    URL, then confirmed, when its bytes are checked to be PDF or Word."""

    __tablename__ = "pilot_attachments"

    id: Mapped[UUID] = mapped_column(primary_key=True, default=uuid4)
    application_id: Mapped[UUID] = mapped_column(
        ForeignKey("pilot_applications.id", ondelete="CASCADE"), index=True
    )
    file_name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20))
    object_key: Mapped[str] = mapped_column(String(200))
    declared_content_type: Mapped[str] = mapped_column(String(100))
    declared_size: Mapped[int] = mapped_column(Integer)
    content_type: Mapped[str | None] = mapped_column(String(100))
    size: Mapped[int | None] = mapped_column(Integer)
    rejection_reason: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class PilotDecision(Base):
    """The audit trail of reviews: every city and province decision, who, when, what."""

    __tablename__ = "pilot_decisions"
    __table_args__ = (Index("ix_pilot_decisions_application", "application_id", "decided_at"),)

    id: Mapped[UUID] = mapped_column(primary_key=True, default=uuid4)
    application_id: Mapped[UUID] = mapped_column(
        ForeignKey("pilot_applications.id", ondelete="CASCADE")
    )
    level: Mapped[str] = mapped_column(String(10))
    outcome: Mapped[str] = mapped_column(String(10))
    approved_headcount: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[UUID]
    decider_name: Mapped[str] = mapped_column(String(100))
    decider_org: Mapped[str] = mapped_column(String(40))
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
