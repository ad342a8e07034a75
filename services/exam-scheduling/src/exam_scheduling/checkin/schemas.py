from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from exam_scheduling.checkin.models import CheckInRecord, SessionClosure
from exam_scheduling.checkin.rules import MAX_BATCH
from exam_scheduling.invigilation.schemas import ExamSessionOut
from exam_scheduling.tickets.schemas import TicketKeySetOut

MarkName = Literal["present", "absent"]
OutcomeName = Literal["accepted", "duplicate", "late", "unknown_ticket"]


class RosterCandidateOut(BaseModel):
    """A candidate of the room's session as the door sees them: masked ID, photo, seat."""

    application_id: UUID
    ticket_number: str
    name: str
    id_number: str = Field(description="脱敏后的证件号码")
    seat_number: int
    photo_url: str | None = Field(description="短时有效的照片下载地址（无照片为空）")
    status: MarkName | None
    marked_at: datetime | None


class RosterOut(BaseModel):
    """What a check-in device downloads before the exam, to work without a network: the
    roster and the public keys that verify the admission tickets' QR codes."""

    room_id: UUID
    room_name: str
    site_name: str
    address: str
    session: ExamSessionOut
    duties: list[Literal["invigilator", "inspector"]]
    closed_at: datetime | None
    keys: TicketKeySetOut
    candidates: list[RosterCandidateOut]


class CheckInIn(BaseModel):
    """One mark made on the device: its own id (a UUID it generated), the ticket, when."""

    model_config = ConfigDict(extra="forbid")

    id: UUID
    ticket_number: str = Field(pattern=r"^\d{16,20}$")
    status: MarkName
    marked_at: AwareDatetime


class CheckInBatchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    device_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._:-]+$")
    records: list[CheckInIn] = Field(min_length=1, max_length=MAX_BATCH)


class CheckInResultOut(BaseModel):
    id: UUID
    outcome: OutcomeName


class CheckInSyncOut(BaseModel):
    """Each record's outcome (the device drops the ones it may forget: all but none) and the
    room's counts after the batch."""

    results: list[CheckInResultOut]
    expected: int
    present: int


class CheckInRecordOut(BaseModel):
    """A mark as it arrived (签到记录): the history behind a candidate's attendance."""

    model_config = ConfigDict(from_attributes=True)

    id: UUID
    ticket_number: str
    status: MarkName
    marked_at: datetime
    received_at: datetime
    device_id: str
    late: bool

    @classmethod
    def from_model(cls, row: CheckInRecord) -> CheckInRecordOut:
        return cls.model_validate(row)


class SessionClosureOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    room_id: UUID
    session_id: UUID
    closed_at: datetime
    expected: int
    present: int
    absent: int

    @classmethod
    def from_model(cls, row: SessionClosure) -> SessionClosureOut:
        return cls.model_validate(row)


class RoomCountOut(BaseModel):
    """A room's session in the inspector's (or invigilator's) overview: 应考 / 实考 / 缺考."""

    duty: Literal["invigilator", "inspector"]
    room_id: UUID
    room_name: str
    site_name: str
    session: ExamSessionOut
    expected: int
    present: int
    absent: int
    closed_at: datetime | None
