"""API shapes of 报考 (an institution registering its students for exams)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel

from registration.entries.models import ExamEntry
from registration.plans.models import ExamPlan
from registration.plans.schemas import PlanSubjectOut
from registration.quotas.schemas import QuotaOut
from skillcert.pii import mask_id_number


class ExamEntrySubjectOut(BaseModel):
    code: str
    name: str


class ExamEntryOut(BaseModel):
    """A student registered for the plan; ID number masked."""

    id: UUID
    plan_id: UUID
    student_id: UUID
    name: str
    id_number: str
    subjects: list[ExamEntrySubjectOut]
    #: 参考对象, when a subject of the student's names groups
    audience: str | None = None
    entered_at: datetime
    updated_at: datetime


class EntryImportOut(BaseModel):
    """What a 报考 import did: students newly registered (each used a place), subjects added
    to students already registered; and the quota after."""

    registered: int
    subjects_added: int
    quota: QuotaOut


class EntryDeletionOut(BaseModel):
    """What a deletion import did: registrations deleted (each place given back), subjects
    taken off registrations that keep others; and the quota after."""

    deleted: int
    subjects_removed: int
    quota: QuotaOut | None


class EntryPlanOut(BaseModel):
    """An exam plan of a certificate the institution has a quota for this year: its window,
    whether it is open now, its subjects and the quota."""

    plan_id: UUID
    title: str
    org_name: str
    occupation_code: str
    occupation_name: str
    level_name: str
    registration_opens_at: datetime
    registration_closes_at: datetime
    exam_starts_at: datetime
    window_open: bool
    subjects: list[PlanSubjectOut]
    quota: QuotaOut


def subject_names(plan: ExamPlan) -> dict[str, str]:
    return {str(s["code"]): str(s["name"]) for s in plan.subjects}


def entry_out(entry: ExamEntry, names: dict[str, str]) -> ExamEntryOut:
    return ExamEntryOut(
        id=entry.id,
        plan_id=entry.plan_id,
        student_id=entry.student_id,
        name=entry.name,
        id_number=mask_id_number(entry.id_number) or "",
        subjects=[ExamEntrySubjectOut(code=c, name=names.get(c, c)) for c in entry.subject_codes],
        audience=entry.audience,
        entered_at=entry.entered_at,
        updated_at=entry.updated_at,
    )


def entry_plan_out(plan: ExamPlan, window_open: bool, quota: QuotaOut) -> EntryPlanOut:
    subjects: list[Any] = plan.subjects
    return EntryPlanOut(
        plan_id=plan.plan_id,
        title=plan.title,
        org_name=plan.org_name,
        occupation_code=plan.occupation_code,
        occupation_name=plan.occupation_name,
        level_name=plan.level_name,
        registration_opens_at=plan.registration_opens_at,
        registration_closes_at=plan.registration_closes_at,
        exam_starts_at=plan.exam_starts_at,
        window_open=window_open,
        subjects=[PlanSubjectOut.model_validate(s) for s in subjects],
        quota=quota,
    )
