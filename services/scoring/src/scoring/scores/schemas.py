from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from scoring.scores.rules import MAX_IMPORT_ROWS, ObjectionStatus, ResultKind, SheetStatus
from skillcert.events import ResultRule

TicketNumber = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
SubjectCode = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]


class ScoreRowIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ticket_number: TicketNumber
    score: Decimal


class ScoreImportIn(BaseModel):
    """One subject's scores (科目成绩) keyed by admission ticket number (准考证号)."""

    model_config = ConfigDict(extra="forbid")

    scores: list[ScoreRowIn] = Field(min_length=1, max_length=MAX_IMPORT_ROWS)


class ImportSummaryOut(BaseModel):
    imported: int = Field(description="new scores")
    updated: int = Field(description="existing scores replaced by a different value")
    unchanged: int = Field(description="rows equal to the score already recorded")


class PublicityIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ends_at: datetime = Field(description="end of the publicity period, with time zone")


class CorrectionIn(BaseModel):
    """A score correction (成绩更正) with its reason; it is audited."""

    model_config = ConfigDict(extra="forbid")

    ticket_number: TicketNumber
    subject_code: SubjectCode
    score: Decimal
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=500)]


class SubjectOut(BaseModel):
    code: str
    name: str
    method: str
    full_score: float
    pass_score: float


class ScoreSheetOut(BaseModel):
    """A plan's scoring state: 成绩登记 (open), 成绩公示 (publicity) or 永久锁定 (locked)."""

    plan_id: UUID
    title: str
    status: SheetStatus
    scores_open_at: datetime | None = Field(description="the plan's 登记 window")
    scores_close_at: datetime | None
    publicity_starts_at: datetime | None
    publicity_ends_at: datetime | None
    locked_at: datetime | None
    result_rule: ResultRule
    subjects: list[SubjectOut]
    rostered: int


class CandidateScoresOut(BaseModel):
    """A rostered candidate's scores in an organisation's list; the ID number is masked."""

    application_id: UUID
    ticket_number: str
    candidate_name: str
    id_number: str
    institution_id: str
    institution_name: str
    scores: dict[str, float]
    #: the subjects the candidate missed (缺考), as the room's invigilator recorded them
    absent_subjects: list[str] = []
    result: ResultKind | None


class ScoreChangeOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    ticket_number: str
    subject_code: str
    old_score: float | None
    new_score: float
    source: Literal["import", "correction"]
    reason: str | None
    changed_by: UUID
    changed_by_name: str
    changed_at: datetime


class LockSummaryOut(BaseModel):
    plan_id: UUID
    status: SheetStatus
    locked_at: datetime
    passed: int
    failed: int


class MySubjectScoreOut(BaseModel):
    subject_code: str
    subject_name: str
    score: float | None
    pass_score: float
    passed: bool | None


class MyResultOut(BaseModel):
    """A candidate's own scores and certificate result (考证结果) for one plan."""

    plan_id: UUID
    plan_title: str
    ticket_number: str
    status: SheetStatus
    scores: list[MySubjectScoreOut] = Field(
        description="empty until the publicity period (公示) starts"
    )
    result: ResultKind | None
    determined_at: datetime | None


class StudentScoresOut(BaseModel):
    """A student's subject scores and result as their institution (试点院校) sees them, once
    publicity has opened; the ID number is masked."""

    application_id: UUID
    ticket_number: str
    candidate_name: str
    id_number: str
    scores: list[MySubjectScoreOut]
    result: ResultKind | None


class InstitutionPlanScoresOut(BaseModel):
    plan_id: UUID
    plan_title: str
    status: SheetStatus
    items: list[StudentScoresOut] = Field(description="empty until publicity (公示) opens")
    next_cursor: str | None


class ObjectionAnswerIn(BaseModel):
    """The organisation's answer to an objection (异议答复): corrected = 更正成绩 (score
    required), explained = 解释说明 (score unchanged)."""

    model_config = ConfigDict(extra="forbid")

    outcome: Literal[ObjectionStatus.CORRECTED, ObjectionStatus.EXPLAINED]
    answer: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=500)]
    score: Decimal | None = None


class ObjectionOut(BaseModel):
    """An objection (成绩异议) and, once given, its answer."""

    model_config = ConfigDict(from_attributes=True)

    id: UUID
    plan_id: UUID
    ticket_number: str
    candidate_name: str
    subject_code: str
    reason: str
    attachment_name: str | None
    status: ObjectionStatus
    raised_at: datetime
    answer: str | None
    change_id: UUID | None
    answered_by_name: str | None
    answered_at: datetime | None
