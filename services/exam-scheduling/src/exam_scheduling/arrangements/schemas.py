from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel

from exam_scheduling.sites.schemas import RoomTypeName


class ArrangementCountsOut(BaseModel):
    """Totals of the view as filtered: sites, rooms, seats, candidates seated, seats free."""

    sites: int
    rooms: int
    seats: int
    seated: int
    free: int


class SiteArrangementOut(BaseModel):
    """考点编排: one site serving one plan."""

    plan_id: UUID
    plan_number: str
    plan_title: str
    exam_starts_at: datetime
    site_id: UUID
    site_name: str
    institution_name: str
    rooms: int
    seats: int
    seated: int


class RoomArrangementOut(BaseModel):
    """考场编排: one room of a site for one plan."""

    plan_id: UUID
    plan_number: str
    site_id: UUID
    site_name: str
    room_id: UUID
    room_number: int
    room_name: str
    room_type: RoomTypeName
    address: str
    capacity: int
    seated: int


class ArrangementsOut(BaseModel):
    counts: ArrangementCountsOut
    sites: list[SiteArrangementOut]
    rooms: list[RoomArrangementOut]


class ArrangementDetailOut(BaseModel):
    """排考明细: one seated candidate; the ID number is masked."""

    plan_id: UUID
    plan_number: str
    plan_title: str
    exam_starts_at: datetime
    site_name: str
    room_id: UUID
    room_name: str
    room_type: RoomTypeName
    seat_number: int
    ticket_number: str
    candidate_name: str
    id_number: str
