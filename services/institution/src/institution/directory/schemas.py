from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from institution.directory.models import DirectoryChange as DirectoryChangeModel
from institution.directory.models import DirectoryEntry as DirectoryEntryModel
from institution.directory.rules import NAME_MAX, ChangeAction, Level
from skillcert import divisions


class DirectoryEntryOut(BaseModel):
    """An institution of the official list, as sign-up offers it."""

    code: str = Field(description="学校标识码 (10 digits)")
    name: str
    province: str = Field(description="GB/T 2260 province code")
    province_name: str
    city: str = Field(description="GB/T 2260 city code")
    city_name: str
    level: Level

    @classmethod
    def from_model(cls, entry: DirectoryEntryModel) -> DirectoryEntryOut:
        return cls(
            code=entry.code,
            name=entry.name,
            province=entry.province,
            province_name=divisions.label(entry.province),
            city=entry.city,
            city_name=divisions.label(entry.city),
            level=Level(entry.level),
        )


class RegionOut(BaseModel):
    code: str
    name: str


class ProvinceRegionsOut(RegionOut):
    """A province and its cities that have listed institutions: what sign-up offers first."""

    cities: list[RegionOut]


class DirectoryEntryIn(BaseModel):
    """A missing institution, added by its province's admin."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(max_length=10)
    name: str = Field(min_length=1, max_length=NAME_MAX)
    city: str = Field(max_length=6)
    level: Level
    reason: str = Field(min_length=1, max_length=500, description="why it is added (audit)")


class DirectoryEntryUpdateIn(BaseModel):
    """A correction by the province's admin; fields left out stay as they are. The code and
    the province are the entry's identity and are not corrected (add the right entry)."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=NAME_MAX)
    city: str | None = Field(default=None, max_length=6)
    level: Level | None = None
    reason: str = Field(min_length=1, max_length=500, description="why it is corrected (audit)")


class DirectoryChangeOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    code: str
    action: ChangeAction
    actor_id: UUID | None
    actor_name: str
    before: dict[str, Any] | None
    after: dict[str, Any]
    reason: str | None
    at: datetime

    @classmethod
    def from_model(cls, change: DirectoryChangeModel) -> DirectoryChangeOut:
        return cls.model_validate(change)


class ImportReportOut(BaseModel):
    added: int
    unchanged: int
