from __future__ import annotations

from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from exam_scheduling.fields import Text50, Text100, Text200
from exam_scheduling.sites.rules import MAX_ROOM_CAPACITY, MIN_ROOM_CAPACITY


class SiteIn(BaseModel):
    """A new test site (考点). An institution admin may omit institution_id (their own)."""

    model_config = ConfigDict(extra="forbid")

    name: Text100
    address: Text200
    institution_id: Text50 | None = None
    institution_name: Text100


class RoomIn(BaseModel):
    """A new room (考场) of a site."""

    model_config = ConfigDict(extra="forbid")

    name: Text50
    capacity: int = Field(ge=MIN_ROOM_CAPACITY, le=MAX_ROOM_CAPACITY)


class RoomOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    site_id: UUID
    number: int
    name: str
    capacity: int


class SiteOut(BaseModel):
    id: UUID
    name: str
    address: str
    institution_id: str
    institution_name: str
    rooms: list[RoomOut]
