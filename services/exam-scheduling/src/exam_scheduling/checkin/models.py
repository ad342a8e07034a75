from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from exam_scheduling.base import Base


class CheckInRecord(Base):
    """One mark an invigilator's (or inspector's) device made, offline or not: the candidate
    present (签到) or absent (缺考). The id is the device's, so a batch synced twice is stored
    once; every record is kept, and a candidate's attendance is read from all of them
    (checkin.rules.attendance), never overwritten."""

    __tablename__ = "check_in_records"
    __table_args__ = (Index("ix_check_in_records_room_session", "room_id", "session_id"),)

    id: Mapped[UUID] = mapped_column(primary_key=True)
    room_id: Mapped[UUID] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"))
    session_id: Mapped[UUID]
    plan_id: Mapped[UUID]
    subject_code: Mapped[str] = mapped_column(String(20))
    application_id: Mapped[UUID]
    ticket_number: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(10))
    # The device's clock when the mark was made; received_at is the server's on arrival.
    marked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    account_id: Mapped[UUID]
    device_id: Mapped[str] = mapped_column(String(64))
    # Arrived after the session was closed: kept for the record, not in the absentee list sent.
    late: Mapped[bool] = mapped_column(Boolean, default=False)


class SessionClosure(Base):
    """A room's session closed (by its invigilator, or by the job once it has ended): its
    absentees were recorded and published then, once."""

    __tablename__ = "session_closures"

    room_id: Mapped[UUID] = mapped_column(
        ForeignKey("rooms.id", ondelete="CASCADE"), primary_key=True
    )
    session_id: Mapped[UUID] = mapped_column(primary_key=True)
    plan_id: Mapped[UUID]
    subject_code: Mapped[str] = mapped_column(String(20))
    closed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # None: closed by the job after the session ended.
    closed_by: Mapped[UUID | None]
    expected: Mapped[int] = mapped_column(Integer)
    present: Mapped[int] = mapped_column(Integer)
    absent: Mapped[int] = mapped_column(Integer)
