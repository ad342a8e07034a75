from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from institution.pilot.models import PilotAttachment, PilotBatch, PilotDecision, PilotPlan
from institution.pilot.rules import (
    HEADCOUNT_MAX,
    RICH_TEXT_MAX,
    STATUS_LABELS,
    DecisionLevel,
    Outcome,
    PilotStatus,
    batch_state,
    certificate_catalogue,
    major_catalogue,
)

OccupationCode = Annotated[str, StringConstraints(pattern=r"^\d-\d{2}-\d{2}-\d{2}$")]
MajorCode = Annotated[str, StringConstraints(pattern=r"^\d{6}$")]


class PilotCertificateOut(BaseModel):
    code: str = Field(description="the occupation code exam plans use")
    name: str
    organisation: str


class PilotMajorOut(BaseModel):
    code: str
    name: str
    level: str


class PilotBatchIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=50, description="申报批次, e.g. 2026年第一次")
    opens_at: AwareDatetime
    closes_at: AwareDatetime
    certificate_codes: list[OccupationCode] = Field(max_length=200)
    majors_required: bool = Field(description="是否要求按专业填报")
    city_review_first: bool = Field(description="是否需要地市级教育局审批")


class PilotPlanIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    year: int = Field(ge=2019, le=2100)
    title: str = Field(min_length=1, max_length=100)
    batches: list[PilotBatchIn] = Field(min_length=1, max_length=10)


class PilotBatchOut(BaseModel):
    id: UUID
    name: str
    opens_at: datetime
    closes_at: datetime
    state: str = Field(description="upcoming / open / closed")
    certificates: list[PilotCertificateOut]
    majors_required: bool
    city_review_first: bool

    @classmethod
    def of(cls, batch: PilotBatch, now: datetime) -> PilotBatchOut:
        return cls(
            id=batch.id,
            name=batch.name,
            opens_at=batch.opens_at,
            closes_at=batch.closes_at,
            state=batch_state(batch.opens_at, batch.closes_at, now),
            certificates=[certificate_out(c) for c in batch.certificate_codes],
            majors_required=batch.majors_required,
            city_review_first=batch.city_review_first,
        )


class PilotPlanOut(BaseModel):
    id: UUID
    province: str
    year: int
    title: str
    batches: list[PilotBatchOut]
    created_at: datetime

    @classmethod
    def of(cls, plan: PilotPlan, batches: list[PilotBatch], now: datetime) -> PilotPlanOut:
        return cls(
            id=plan.id,
            province=plan.province,
            year=plan.year,
            title=plan.title,
            batches=[PilotBatchOut.of(b, now) for b in batches],
            created_at=plan.created_at,
        )


class PilotApplicationIn(BaseModel):
    """A draft's content; what a submission needs besides is checked on submit."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    certificate_code: OccupationCode
    majors: list[MajorCode] = Field(default_factory=list, max_length=50)
    planned_headcount: int = Field(ge=1, le=HEADCOUNT_MAX, description="拟申报的培训人数")
    teachers: str = Field(default="", max_length=RICH_TEXT_MAX, description="师资情况 (HTML)")
    venue: str = Field(default="", max_length=RICH_TEXT_MAX, description="场地情况 (HTML)")


class NewPilotApplicationIn(PilotApplicationIn):
    batch_id: UUID


class PilotSubmitIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    confirmed: bool = Field(description="提交后不能再修改: the applicant confirmed it")


class PilotDecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    outcome: Outcome
    approved_headcount: int | None = Field(default=None, ge=0, le=HEADCOUNT_MAX)
    reason: str | None = Field(default=None, max_length=1000)


class PilotDecisionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    level: DecisionLevel
    outcome: Outcome
    approved_headcount: int | None
    reason: str | None
    decider_name: str
    decider_org: str
    decided_at: datetime

    @classmethod
    def of(cls, decision: PilotDecision) -> PilotDecisionOut:
        return cls.model_validate(decision)


class PilotAttachmentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    file_name: str
    status: str
    content_type: str | None
    size: int | None
    rejection_reason: str | None
    created_at: datetime


class PilotAttachmentRequestIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    file_name: str = Field(min_length=1, max_length=200)
    content_type: Annotated[str, StringConstraints(strip_whitespace=True, to_lower=True)]
    size: int = Field(ge=1)


class PilotPresignedUploadOut(BaseModel):
    """POST: a multipart form to `url` with `fields` first and the file last as `file`; the
    storage server refuses a larger file or another type. PUT: the bytes to `url` with
    `headers`."""

    method: str
    url: str
    headers: dict[str, str]
    fields: dict[str, str] = {}
    expires_in_s: int


class PilotAttachmentUploadOut(BaseModel):
    attachment: PilotAttachmentOut
    upload: PilotPresignedUploadOut


class PilotDownloadOut(BaseModel):
    url: str
    file_name: str


class PilotApplicationOut(BaseModel):
    id: UUID
    plan_id: UUID
    batch_id: UUID
    batch_name: str
    year: int
    institution_code: str
    institution_name: str
    province: str
    city: str
    certificate: PilotCertificateOut
    majors: list[PilotMajorOut]
    planned_headcount: int
    approved_headcount: int | None
    teachers: str
    venue: str
    status: PilotStatus
    status_label: str
    rejection_reason: str | None
    editable: bool
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None
    decided_at: datetime | None
    attachments: list[PilotAttachmentOut] = []
    decisions: list[PilotDecisionOut] = []


class PilotYearOut(BaseModel):
    year: int
    pilot: bool = Field(description="试点院校: a batch has closed with an approved application")
    certificates: list[PilotCertificateOut] = Field(description="approved, batch closed")
    pending_certificates: list[PilotCertificateOut] = Field(
        description="approved, but the batch is still open"
    )


class PilotStatusOut(BaseModel):
    institution_code: str
    years: list[PilotYearOut]


def certificate_out(code: str) -> PilotCertificateOut:
    known = certificate_catalogue().get(code)
    if known is None:  # a code the catalogue has since dropped: still shown, by its code
        return PilotCertificateOut(code=code, name=code, organisation="")
    return PilotCertificateOut(code=known.code, name=known.name, organisation=known.organisation)


def major_out(code: str) -> PilotMajorOut:
    known = major_catalogue().get(code)
    if known is None:
        return PilotMajorOut(code=code, name=code, level="")
    return PilotMajorOut(code=known.code, name=known.name, level=known.level)


def attachment_out(attachment: PilotAttachment) -> PilotAttachmentOut:
    return PilotAttachmentOut.model_validate(attachment)


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)
