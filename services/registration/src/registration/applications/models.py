from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from registration.base import Base
from skillcert.crypto import EncryptedText, blind_index_column, sync_blind_index


class Application(Base):
    """A candidate's application (报名) for one exam plan, filled in four steps:
    基础信息, 身份选择, 报名信息, 申报条件 + 证件材料."""

    __tablename__ = "applications"
    __table_args__ = (
        # One active application per candidate and plan; a withdrawn one frees the place.
        Index(
            "uq_applications_active_candidate_plan",
            "candidate_id",
            "plan_id",
            unique=True,
            postgresql_where=text("status <> 'withdrawn'"),
            sqlite_where=text("status <> 'withdrawn'"),
        ),
        Index("ix_applications_candidate_created", "candidate_id", "created_at"),
        # the staff list: an organisation's applications, newest first
        Index("ix_applications_org_created", "org_id", "created_at"),
        # the forfeit job: approved/paid applications of the plans past their mail-in deadline
        Index("ix_applications_plan_status", "plan_id", "status"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=uuid4)
    candidate_id: Mapped[UUID]
    plan_id: Mapped[UUID] = mapped_column(ForeignKey("exam_plans.plan_id"))
    org_id: Mapped[str] = mapped_column(String(50))
    status: Mapped[str] = mapped_column(String(20))
    # Bumped on every (re)submission; review decisions name the revision they judged.
    revision: Mapped[int] = mapped_column(Integer, default=0)
    edited_since_submit: Mapped[bool] = mapped_column(Boolean, default=False)

    # step 1 基础信息
    name: Mapped[str | None] = mapped_column(String(50))
    gender: Mapped[str | None] = mapped_column(String(10))
    birth_date: Mapped[date | None] = mapped_column(Date)
    ethnic_group: Mapped[str | None] = mapped_column(String(20))
    education: Mapped[str | None] = mapped_column(String(30))
    mobile: Mapped[str | None] = mapped_column(EncryptedText())
    email: Mapped[str | None] = mapped_column(String(100))
    postal_code: Mapped[str | None] = mapped_column(String(6))
    political_status: Mapped[str | None] = mapped_column(String(30))
    landline: Mapped[str | None] = mapped_column(String(30))
    assessment_category: Mapped[str | None] = mapped_column(String(20))
    candidate_source: Mapped[str | None] = mapped_column(String(20))
    # step 2 身份选择
    identity: Mapped[str | None] = mapped_column(String(20))
    # step 3 报名信息
    id_type: Mapped[str | None] = mapped_column(String(30))
    # Encrypted at rest; the keyed hash finds the roster that lists it (skillcert.crypto).
    id_number: Mapped[str | None] = mapped_column(EncryptedText())
    id_number_hash: Mapped[str | None] = blind_index_column()
    # The institution (试点院校) whose student roster lists the ID number, filled at submission
    # (roster.repository.institution_for_id_number); None for a candidate on no roster.
    institution_id: Mapped[str | None] = mapped_column(String(50))
    work_unit: Mapped[str | None] = mapped_column(String(200))
    years_worked: Mapped[int | None] = mapped_column(Integer)
    registering_unit: Mapped[str | None] = mapped_column(String(200))
    enterprise_type: Mapped[str | None] = mapped_column(String(30))
    # GB/T 2260 codes
    hukou_province: Mapped[str | None] = mapped_column(String(6))
    hukou_city: Mapped[str | None] = mapped_column(String(6))
    hukou_county: Mapped[str | None] = mapped_column(String(6))
    residence_province: Mapped[str | None] = mapped_column(String(6))
    residence_city: Mapped[str | None] = mapped_column(String(6))
    residence_county: Mapped[str | None] = mapped_column(String(6))
    residence_address: Mapped[str | None] = mapped_column(String(200))
    work_unit_province: Mapped[str | None] = mapped_column(String(6))
    work_unit_city: Mapped[str | None] = mapped_column(String(6))
    work_unit_county: Mapped[str | None] = mapped_column(String(6))
    work_unit_address: Mapped[str | None] = mapped_column(String(200))
    # Entries as the event's WorkPeriod (ISO dates); read and written whole with the row, so
    # submit needs no extra query for them.
    work_history: Mapped[list[dict[str, Any]]] = mapped_column(
        JSON, default=list, server_default="[]"
    )
    # step 4 申报条件
    condition_code: Mapped[str | None] = mapped_column(String(50))
    # as the event's PriorCertificate
    prior_certificate: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    # seed 004: paper forms by post (邮寄材料), logged by the organisation's staff
    mail_in_received_on: Mapped[date | None] = mapped_column(Date)
    mail_in_tracking_number: Mapped[str | None] = mapped_column(String(40))
    mail_in_recorded_by: Mapped[UUID | None]
    mail_in_recorded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    rejection_reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    ticket_number: Mapped[str | None] = mapped_column(String(50))
    certificate_number: Mapped[str | None] = mapped_column(String(50))
    # certificate.revoked names the certificate, not the application: it is found by this id
    # (or by number, for certificates recorded before the id was kept) and the candidate.
    certificate_id: Mapped[UUID | None]
    certificate_revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    certificate_revocation_reason: Mapped[str | None] = mapped_column(Text)

    # payment.order.refunded: the fee that went back (payment refunds an order in full, and
    # announces only the order whose payment counted for the application)
    refund_order_id: Mapped[UUID | None]
    refunded_fen: Mapped[int | None] = mapped_column(Integer)
    refunded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class StatusChange(Base):
    """One entry of an application's status history (状态记录)."""

    __tablename__ = "application_status_changes"

    id: Mapped[UUID] = mapped_column(primary_key=True, default=uuid4)
    application_id: Mapped[UUID] = mapped_column(ForeignKey("applications.id"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    revision: Mapped[int] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(String(500))
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


sync_blind_index(Application.id_number, Application.id_number_hash)
