from __future__ import annotations

from datetime import datetime
from uuid import UUID, uuid4

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from exam_scheduling.base import Base
from skillcert.crypto import EncryptedText


class ApprovedCandidate(Base):
    """Read model of approved applications (审核通过), kept from review.application.approved:
    who will sit the exam once paid."""

    __tablename__ = "approved_candidates"

    application_id: Mapped[UUID] = mapped_column(primary_key=True)
    candidate_id: Mapped[UUID] = mapped_column(index=True)
    plan_id: Mapped[UUID]
    candidate_name: Mapped[str] = mapped_column(String(100))
    #: encrypted at rest (skillcert.crypto); never looked up by
    id_number: Mapped[str] = mapped_column(EncryptedText())
    revision: Mapped[int] = mapped_column(Integer)
    approved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SeatAllocation(Base):
    """A paid candidate's place in a plan: a room and seat with an admission ticket number
    (准考证号) once scheduled, or waiting for a free seat (待排考)."""

    __tablename__ = "seat_allocations"
    __table_args__ = (
        # One allocation per application however often (or concurrently) payment is reported.
        UniqueConstraint("application_id"),
        # A seat of a room holds one candidate per plan; NULLs (waiting) never collide.
        UniqueConstraint("plan_id", "room_id", "seat_number"),
        UniqueConstraint("ticket_number"),
        Index("ix_seat_allocations_plan_status", "plan_id", "status"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=uuid4)
    application_id: Mapped[UUID]
    candidate_id: Mapped[UUID] = mapped_column(index=True)
    plan_id: Mapped[UUID] = mapped_column(ForeignKey("exam_plans.id"))
    order_id: Mapped[UUID]
    status: Mapped[str] = mapped_column(String(20))
    room_id: Mapped[UUID | None] = mapped_column(ForeignKey("rooms.id"))
    seat_number: Mapped[int | None] = mapped_column(Integer)
    ticket_number: Mapped[str | None] = mapped_column(String(30))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    scheduled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    released_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    release_reason: Mapped[str | None] = mapped_column(String(20))


class ApplicationRelease(Base):
    """An application that will not sit the exam (withdrawn, forfeited, refunded), as heard.
    Kept apart from the allocation because it may arrive before the payment does: a payment
    reported after it must not take a seat (payment refunds it)."""

    __tablename__ = "application_releases"

    id: Mapped[UUID] = mapped_column(primary_key=True, default=uuid4)
    application_id: Mapped[UUID] = mapped_column(index=True)
    # None: the whole application (withdrawn, forfeited); else only this order was refunded.
    order_id: Mapped[UUID | None]
    reason: Mapped[str] = mapped_column(String(20))
    released_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
