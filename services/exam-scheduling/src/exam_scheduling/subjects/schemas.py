from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from exam_scheduling.fields import Code, Text50, Text100
from exam_scheduling.subjects.models import Subject
from exam_scheduling.subjects.rules import (
    MAX_AUDIENCE_GROUPS,
    MAX_DURATION_MINUTES,
    MIN_DURATION_MINUTES,
)

SubjectMethodName = Literal["computer", "practical", "written"]


class CatalogueSubjectIn(BaseModel):
    """A subject of the organisation's catalogue: computer = 机考, practical = 实操, written = 笔试;
    `audience` empty for all candidates (所有考生), else the groups (参考对象) that sit it."""

    model_config = ConfigDict(extra="forbid")

    name: Text100
    method: SubjectMethodName
    occupation_code: Code
    level: int = Field(ge=1, le=5)
    duration_minutes: int = Field(ge=MIN_DURATION_MINUTES, le=MAX_DURATION_MINUTES)
    audience: list[Text50] = Field(default_factory=list, max_length=MAX_AUDIENCE_GROUPS)
    enabled: bool = True


class CatalogueSubjectOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    number: str
    org_id: str
    org_name: str
    name: str
    method: SubjectMethodName
    occupation_code: str
    occupation_name: str
    level: int
    level_name: str
    duration_minutes: int
    audience: list[str]
    enabled: bool
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_model(cls, subject: Subject) -> CatalogueSubjectOut:
        return cls.model_validate(subject)


class SubjectCountsOut(BaseModel):
    """全部 / 已启用 / 已停用 of the list as filtered."""

    all: int
    enabled: int
    disabled: int


class SubjectCatalogueOut(BaseModel):
    counts: SubjectCountsOut
    items: list[CatalogueSubjectOut]
