from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from review.cases.rules import CaseStatus, RejectionCode

# --- requests -------------------------------------------------------------------------------


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ApproveIn(_Body):
    comment: str | None = Field(default=None, max_length=500, description="审核意见（内部）")


class ReasonIn(_Body):
    code: RejectionCode
    text: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        validate_default=True,
        description="the text the candidate reads; the standard text of `code` when omitted",
    )

    @field_validator("text")
    @classmethod
    def _other_needs_text(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None and info.data.get("code") is RejectionCode.OTHER:
            raise ValueError("选择“其他原因”时须填写具体原因")
        return value


class RejectIn(_Body):
    reasons: list[ReasonIn] = Field(min_length=1, max_length=10, description="驳回原因，至少一条")
    comment: str | None = Field(default=None, max_length=500, description="审核意见（内部）")


# --- responses ------------------------------------------------------------------------------


class ClaimOut(BaseModel):
    reviewer_id: UUID
    reviewer_name: str
    expires_at: datetime


class FindingsSummaryOut(BaseModel):
    passed: int
    failed: int
    skipped: int
    info: int = Field(description="notes for the reviewer that judge nothing, e.g. mail-in")
    failed_codes: list[str]


class CaseFindingOut(BaseModel):
    """One automatic pre-check: `outcome` is passed, failed, skipped (not applicable or left to
    the reviewer) or info (nothing to judge; e.g. the paper forms are to be mailed)."""

    model_config = ConfigDict(from_attributes=True)

    code: str
    outcome: str
    message: str
    details: dict[str, Any]


class QueueItemOut(BaseModel):
    """A case in the review queue; the ID number is masked."""

    case_id: UUID
    application_id: UUID
    plan_id: UUID
    plan_title: str | None
    status: CaseStatus
    revision: int
    candidate_name: str
    id_number_masked: str
    condition_code: str | None
    submitted_at: datetime
    due_at: datetime
    overdue: bool
    requires_mail_in: bool
    claim: ClaimOut | None
    findings: FindingsSummaryOut


class CasePriorCertificateOut(BaseModel):
    """The previous certificate (上一级别证书) the candidate declared."""

    occupation_code: str
    occupation_name: str | None = None
    level: int
    certificate_number: str | None = None
    issued_on: date | None = None


class CaseWorkPeriodOut(BaseModel):
    """One work history entry (工作经历); `to_month` None means still there."""

    from_month: date
    to_month: date | None = None
    unit: str
    post: str
    referee: str | None = None
    referee_phone: str | None = None


class CaseDocumentOut(BaseModel):
    kind: str
    label: str
    content_type: str
    size: int
    download_url: str


class CaseReasonOut(BaseModel):
    code: str
    text: str


class DecisionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    revision: int
    outcome: str
    reasons: list[CaseReasonOut]
    comment: str | None
    reviewer_id: UUID
    reviewer_name: str
    decided_at: datetime


class RevisionOut(BaseModel):
    revision: int
    source_event_type: str
    submitted_at: datetime
    received_at: datetime
    outcome: str
    condition_code: str | None
    years_worked: int | None
    total_work_months: int | None
    document_kinds: list[str]
    findings: list[CaseFindingOut]
    decision: DecisionOut | None


class AuditEntryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    at: datetime
    actor_kind: str
    actor_id: UUID | None
    actor_name: str | None
    action: str
    revision: int
    from_status: str | None
    to_status: str | None
    details: dict[str, Any]


class CaseDetailOut(BaseModel):
    """A case as its reviewer sees it: the full ID number (to compare with the ID photos),
    prior certificate and work history, pre-check findings, documents with short-lived download
    links, history (each revision with its findings and decision) and audit. Staff only: the
    candidate never reads this, so reviewer identities stay inside the organisation."""

    case_id: UUID
    application_id: UUID
    candidate_id: UUID
    plan_id: UUID
    plan_title: str | None
    org_id: str
    status: CaseStatus
    revision: int
    candidate_name: str
    id_type: str
    id_number: str
    phone: str | None
    birth_date: date | None
    condition_code: str | None
    condition_title: str | None
    years_worked: int | None
    total_work_months: int | None
    prior_certificate: CasePriorCertificateOut | None
    work_history: list[CaseWorkPeriodOut]
    requires_mail_in: bool
    mail_in_deadline: datetime | None = Field(
        description="when the paper forms must have arrived (end of registration), if mailed"
    )
    submitted_at: datetime
    due_at: datetime
    overdue: bool
    decided_at: datetime | None
    claim: ClaimOut | None
    findings: list[CaseFindingOut]
    findings_summary: FindingsSummaryOut
    documents: list[CaseDocumentOut]
    history: list[RevisionOut]
    audit: list[AuditEntryOut]


class ClaimResultOut(BaseModel):
    case_id: UUID
    reviewer_id: UUID
    reviewer_name: str
    expires_at: datetime
    extended: bool


class DecisionResultOut(BaseModel):
    case_id: UUID
    application_id: UUID
    status: CaseStatus
    decision: DecisionOut
