from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class LevelOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    level: int
    name: str


class OccupationOut(BaseModel):
    """An occupation (职业) and the levels a plan may be opened for."""

    code: str
    name: str
    national_code: str | None = None
    levels: list[LevelOut]


class RelatedOccupationOut(BaseModel):
    """A related occupation (相关职业) that counts, with where it comes from."""

    code: str
    name: str
    national_code: str | None
    #: how each source names it, e.g. 物流服务员 (seed 004) for 物流服务师
    listed_as: list[str]
    sources: list[str]


class RelatedExceptionOut(BaseModel):
    """A related occupation that does not count although a list names it."""

    code: str
    name: str
    source: str
    reason: str


class OccupationDetailOut(OccupationOut):
    certified: bool
    related_occupations: list[RelatedOccupationOut]
    exceptions: list[RelatedExceptionOut]
