from __future__ import annotations

from datetime import datetime
from uuid import UUID, uuid4

from sqlalchemy import DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from exam_scheduling.base import Base


class DutyAccount(Base):
    """Read model of the gateway's invigilator (监考) and inspector (巡考) accounts, kept from
    identity.account.registered: an assignment names an account of the right role and
    organisation, never one typed in by mistake or of another institution."""

    __tablename__ = "duty_accounts"

    account_id: Mapped[UUID] = mapped_column(primary_key=True)
    role: Mapped[str] = mapped_column(String(20))
    org_id: Mapped[str] = mapped_column(String(50), index=True)
    name: Mapped[str] = mapped_column(String(100))
    registered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class DutyAssignment(Base):
    """One person on duty in one exam session (场次): an invigilator in a room, assigned by the
    institution that runs the site, or an inspector of a room or (room_id NULL) of the whole
    site, assigned by the organisation. Only the assigned account sees the room's roster and
    syncs its check-ins."""

    __tablename__ = "duty_assignments"
    __table_args__ = (
        Index("ix_duty_assignments_room_session", "room_id", "session_id"),
        Index("ix_duty_assignments_site_session", "site_id", "session_id"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=uuid4)
    duty: Mapped[str] = mapped_column(String(20))
    account_id: Mapped[UUID] = mapped_column(index=True)
    name: Mapped[str] = mapped_column(String(100))
    plan_id: Mapped[UUID] = mapped_column(ForeignKey("exam_plans.id", ondelete="CASCADE"))
    subject_code: Mapped[str] = mapped_column(String(20))
    session_id: Mapped[UUID]
    site_id: Mapped[UUID] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    room_id: Mapped[UUID | None] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"))
    assigned_by: Mapped[UUID]
    assigned_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
