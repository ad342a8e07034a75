from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import Depends, Query

from certificate.certificates.rules import Status
from certificate.certificates.schemas import (
    BatchSignIn,
    BatchSignResultOut,
    CertificateOut,
    CertificateReasonIn,
    MyCertificateOut,
    ReopenIn,
    SigningRoundOut,
    VerificationOut,
    VerifyIn,
)
from certificate.certificates.service import CertificateService, Record
from certificate.context import CurrentContext
from skillcert.access import Owner, access, public
from skillcert.auth import Principal, Role, require_roles
from skillcert.errors import problem_responses
from skillcert.http import DbSession, service_router
from skillcert.paging import Page
from skillcert.pii import mask_id_number

router = service_router("/api/v1/certificate", tags=["certificate"])

Signer = Annotated[Principal, Depends(require_roles(Role.INSTITUTION_HEAD, Role.ORG_ADMIN))]
OrgAdmin = Annotated[Principal, Depends(require_roles(Role.ORG_ADMIN))]
Candidate = Annotated[Principal, Depends(require_roles(Role.CANDIDATE))]


async def _service(ctx: CurrentContext, session: DbSession) -> CertificateService:
    return CertificateService(session, ctx.settings, ctx.storage)


Certificates = Annotated[CertificateService, Depends(_service)]


def _view(rec: Record) -> CertificateOut:
    return CertificateOut.of(rec.certificate, rec.plan)


@router.get(
    "/certificates",
    response_model=Page[CertificateOut],
    responses=problem_responses(401, 403, 422),
    **access(org_admin=Owner.ORG, institution_head=Owner.INSTITUTION),
)
async def list_certificates(
    principal: Signer,
    certificates: Certificates,
    status: Status | None = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> Page[CertificateOut]:
    """证书发放管理: the head sees their institution's records, the organisation those of its
    plans; newest first, ID numbers masked."""
    records = await certificates.list_for(principal, status, cursor, limit)
    return records.page(_view)


@router.get(
    "/certificates/mine",
    response_model=list[MyCertificateOut],
    responses=problem_responses(401, 403),
    **access(candidate=Owner.OWN),
)
async def my_certificates(
    principal: Candidate, certificates: Certificates
) -> list[MyCertificateOut]:
    """我的证书: the candidate's own certificates; issued ones with a short-lived PDF link."""
    return [
        MyCertificateOut(
            id=cert.id,
            status=cert.status,
            number=cert.number,
            holder_name=cert.holder_name,
            id_number=mask_id_number(cert.id_number) or "",
            occupation_name=cert.occupation_name,
            level_name=cert.level_name,
            org_name=cert.org_name,
            institution_name=cert.institution_name,
            issued_at=cert.issued_at,
            revoked_at=cert.revoked_at,
            download_url=url,
        )
        for cert, url in await certificates.mine(principal.account_id)
    ]


@router.post(
    "/certificates/batch-sign",
    response_model=BatchSignResultOut,
    responses=problem_responses(401, 403, 422),
    **access(org_admin=Owner.ORG, institution_head=Owner.INSTITUTION),
)
async def batch_sign(
    body: BatchSignIn, principal: Signer, certificates: Certificates
) -> BatchSignResultOut:
    """批量确认签发: every id is signed on its own; the outcome is reported per id."""
    items = await certificates.batch_sign(principal, body.ids)
    signed = sum(1 for i in items if i.ok)
    return BatchSignResultOut(signed=signed, failed=len(items) - signed, items=items)


@router.post(
    "/certificates/{certificate_id}/sign",
    response_model=CertificateOut,
    responses=problem_responses(400, 401, 403, 404, 409),
    **access(org_admin=Owner.ORG, institution_head=Owner.INSTITUTION),
)
async def sign_certificate(
    certificate_id: UUID, principal: Signer, certificates: Certificates
) -> CertificateOut:
    """确认签发, by the head and the organisation in either order; the second signature
    numbers the certificate and stores the digitally signed PDF. Irreversible."""
    return _view(await certificates.sign(principal, certificate_id))


@router.post(
    "/certificates/{certificate_id}/reject",
    response_model=CertificateOut,
    responses=problem_responses(401, 403, 404, 409, 422),
    **access(org_admin=Owner.ORG, institution_head=Owner.INSTITUTION),
)
async def reject_certificate(
    certificate_id: UUID, body: CertificateReasonIn, principal: Signer, certificates: Certificates
) -> CertificateOut:
    """拒绝签发 with a reason, by a signer who has not signed this round; it goes back to the
    organisation, which reopens it once dealt with."""
    return _view(await certificates.reject(principal, certificate_id, body.reason))


@router.post(
    "/certificates/{certificate_id}/reopen",
    response_model=CertificateOut,
    responses=problem_responses(401, 403, 404, 409, 422),
    **access(org_admin=Owner.ORG),
)
async def reopen_certificate(
    certificate_id: UUID, body: ReopenIn, principal: OrgAdmin, certificates: Certificates
) -> CertificateOut:
    """处理拒签并重新发起签发 (organisation only): closes the refused round with how it was
    dealt with and opens a new one; both sign again, in either order."""
    return _view(await certificates.reopen(principal, certificate_id, body.resolution))


@router.get(
    "/certificates/{certificate_id}/rounds",
    response_model=list[SigningRoundOut],
    responses=problem_responses(401, 403, 404, 422),
    **access(org_admin=Owner.ORG, institution_head=Owner.INSTITUTION),
)
async def signing_rounds(
    certificate_id: UUID, principal: Signer, certificates: Certificates
) -> list[SigningRoundOut]:
    """签发记录: every signing round of the certificate, refused ones included."""
    return [
        SigningRoundOut.model_validate(r)
        for r in await certificates.rounds(principal, certificate_id)
    ]


@router.post(
    "/certificates/{certificate_id}/revoke",
    response_model=CertificateOut,
    responses=problem_responses(401, 403, 404, 409, 422),
    **access(org_admin=Owner.ORG),
)
async def revoke_certificate(
    certificate_id: UUID, body: CertificateReasonIn, principal: OrgAdmin, certificates: Certificates
) -> CertificateOut:
    """撤销 an issued certificate (organisation only)."""
    return _view(await certificates.revoke(principal, certificate_id, body.reason))


@router.post(
    "/verify",
    response_model=VerificationOut,
    responses=problem_responses(404, 422, 429),
    **public("证书查验（公开）：编号加持证人身份证号，网关限流"),
)
async def verify_certificate(body: VerifyIn, certificates: Certificates) -> VerificationOut:
    """证书查验, public: certificate number plus the holder's full ID number. An unknown number
    and a wrong ID number get the same 404; the gateway limits attempts per client address and
    per certificate number (429 with Retry-After)."""
    return await certificates.verify(body.number, body.id_number)
