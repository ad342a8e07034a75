from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from exam_scheduling.invigilation.models import DutyAssignment
from exam_scheduling.invigilation.rules import session_id_of
from exam_scheduling.plans.models import ExamPlan

DutyName = Literal["invigilator", "inspector"]


class ExamSessionOut(BaseModel):
    """An exam session (场次): one subject of a plan and when it is sat."""

    session_id: UUID
    plan_id: UUID
    plan_title: str
    subject_code: str
    subject_name: str
    method: str
    starts_at: datetime
    ends_at: datetime


class InvigilatorIn(BaseModel):
    """监考安排: an invigilator account of the site's institution for one session of the room."""

    model_config = ConfigDict(extra="forbid")

    session_id: UUID
    account_id: UUID


class InspectorIn(BaseModel):
    """巡考安排: an inspector account of the organisation for one session, over the listed
    rooms of the site or (none listed) the whole site."""

    model_config = ConfigDict(extra="forbid")

    session_id: UUID
    account_id: UUID
    room_ids: list[UUID] = Field(default_factory=list, max_length=200)


class DutyAssignmentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    duty: DutyName
    account_id: UUID
    name: str
    plan_id: UUID
    subject_code: str
    session_id: UUID
    site_id: UUID
    room_id: UUID | None
    assigned_at: datetime

    @classmethod
    def from_model(cls, row: DutyAssignment) -> DutyAssignmentOut:
        return cls.model_validate(row)


class DutyAccountOut(BaseModel):
    """An invigilator or inspector account the caller's institution or organisation may assign."""

    model_config = ConfigDict(from_attributes=True)

    account_id: UUID
    role: str
    name: str


class DutyOut(BaseModel):
    """One room and session the caller is on duty in (我的监考/巡考安排)."""

    duty: DutyName
    session: ExamSessionOut
    site_id: UUID
    site_name: str
    room_id: UUID
    room_name: str
    room_address: str


def sessions_out(plan: ExamPlan) -> list[ExamSessionOut]:
    return [
        ExamSessionOut(
            session_id=session_id_of(plan.id, subject.code),
            plan_id=plan.id,
            plan_title=plan.title,
            subject_code=subject.code,
            subject_name=subject.name,
            method=subject.method,
            starts_at=plan.exam_starts_at,
            ends_at=plan.exam_ends_at,
        )
        for subject in plan.subjects
    ]
