from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel


class RosterEntryOut(BaseModel):
    """One line of a plan's roster (考场编排明细); the ID number is masked."""

    application_id: UUID
    candidate_id: UUID
    candidate_name: str
    id_number: str
    status: str
    ticket_number: str | None
    institution_name: str | None
    site_name: str | None
    room_name: str | None
    seat_number: int | None


class TicketOut(BaseModel):
    """An admission ticket (准考证) as the candidate sees it."""

    ticket_number: str
    application_id: UUID
    plan_id: UUID
    plan_title: str
    occupation_name: str
    level_name: str
    candidate_name: str
    id_number: str
    institution_name: str
    site_name: str
    site_address: str
    room_name: str
    seat_number: int
    exam_starts_at: datetime
    exam_ends_at: datetime


class ScheduleResultOut(BaseModel):
    """Outcome of scheduling the waiting candidates of a plan (排考)."""

    scheduled: int
    waiting: int
