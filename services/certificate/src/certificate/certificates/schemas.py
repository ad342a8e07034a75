from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from certificate.certificates.models import Certificate
from certificate.plans.models import PlanInfo
from skillcert.pii import mask_id_number

Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=500)]


class CertificateOut(BaseModel):
    """A certificate record as signers see it; the ID number is masked."""

    id: UUID
    status: str
    number: str | None
    holder_name: str
    id_number: str
    ticket_number: str
    candidate_id: UUID
    application_id: UUID
    plan_id: UUID
    occupation_name: str | None
    level_name: str | None
    org_id: str | None
    org_name: str | None
    institution_id: str
    institution_name: str
    head_signer_name: str | None
    head_signed_at: datetime | None
    org_signer_name: str | None
    org_signed_at: datetime | None
    issued_at: datetime | None
    rejection_reason: str | None
    rejected_at: datetime | None
    revocation_reason: str | None
    revoked_at: datetime | None
    created_at: datetime

    @classmethod
    def of(cls, cert: Certificate, plan: PlanInfo | None) -> CertificateOut:
        return cls(
            id=cert.id,
            status=cert.status,
            number=cert.number,
            holder_name=cert.holder_name,
            id_number=mask_id_number(cert.id_number) or "",
            ticket_number=cert.ticket_number,
            candidate_id=cert.candidate_id,
            application_id=cert.application_id,
            plan_id=cert.plan_id,
            # Issued certificates show what was printed; pending ones the plan as known now.
            occupation_name=cert.occupation_name or (plan.occupation_name if plan else None),
            level_name=cert.level_name or (plan.level_name if plan else None),
            org_id=cert.org_id or (plan.org_id if plan else None),
            org_name=cert.org_name or (plan.org_name if plan else None),
            institution_id=cert.institution_id,
            institution_name=cert.institution_name,
            head_signer_name=cert.head_signer_name,
            head_signed_at=cert.head_signed_at,
            org_signer_name=cert.org_signer_name,
            org_signed_at=cert.org_signed_at,
            issued_at=cert.issued_at,
            rejection_reason=cert.rejection_reason,
            rejected_at=cert.rejected_at,
            revocation_reason=cert.revocation_reason,
            revoked_at=cert.revoked_at,
            created_at=cert.created_at,
        )


class MyCertificateOut(BaseModel):
    """A candidate's own certificate (我的证书), with a short-lived PDF link once issued."""

    id: UUID
    status: str
    number: str | None
    holder_name: str
    id_number: str
    occupation_name: str | None
    level_name: str | None
    org_name: str | None
    institution_name: str
    issued_at: datetime | None
    revoked_at: datetime | None
    download_url: str | None


class VerifyIn(BaseModel):
    """证书查验: the number printed on the certificate and the holder's full ID number. In
    the body, not the query, so that ID numbers stay out of access logs and browser history."""

    model_config = ConfigDict(extra="forbid")

    number: Annotated[str, Field(min_length=6, max_length=40, pattern=r"^\s*[0-9A-Za-z]+\s*$")]
    id_number: Annotated[
        str, Field(pattern=r"^\s*(\d{17}[\dXx]|\d{15}|[0-9A-Za-z()（）-]{6,20})\s*$")
    ]


class CertificateReasonIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Reason


class BatchSignIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ids: list[UUID] = Field(min_length=1, max_length=50)


class ItemErrorOut(BaseModel):
    status: int
    title: str
    detail: str | None


class BatchItemOut(BaseModel):
    id: UUID
    ok: bool
    status: str | None = None
    number: str | None = None
    error: ItemErrorOut | None = None


class BatchSignResultOut(BaseModel):
    signed: int
    failed: int
    items: list[BatchItemOut]


class SignatureOut(BaseModel):
    field: str
    signer: str | None
    valid: bool
    trusted: bool


class VerificationOut(BaseModel):
    """The public answer of 证书查验: only for the right number and the full ID number."""

    valid: bool
    status: str
    number: str
    holder_name: str
    id_number: str = Field(description="masked: region and last four digits only")
    occupation: str | None
    level: str | None
    issued_at: datetime | None
    organisation: str | None
    institution: str
    revoked_at: datetime | None
    revocation_reason: str | None
    signatures: list[SignatureOut]
    download_url: str | None


class ReopenIn(BaseModel):
    """How the organisation dealt with a refusal (corrected, or confirmed as it stands)."""

    model_config = ConfigDict(extra="forbid")

    resolution: Reason


class SigningRoundOut(BaseModel):
    """One signing round (签发轮次) of a certificate's history."""

    model_config = ConfigDict(from_attributes=True)

    seq: int
    state: str
    opened_at: datetime
    head_signer_name: str | None
    head_signed_at: datetime | None
    org_signer_name: str | None
    org_signed_at: datetime | None
    refused_by_role: str | None
    refusal_reason: str | None
    refused_at: datetime | None
    resolution: str | None
    resolved_at: datetime | None
