from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import Depends, Request, Response

from certificate.context import CurrentContext
from certificate.stamps.schemas import (
    AgreementAcceptanceOut,
    AgreementAcceptIn,
    AgreementIn,
    AgreementOut,
    MyStampOut,
    PresignedPutOut,
    StampConfirmIn,
    StampOut,
    StampUploadUrlOut,
)
from certificate.stamps.service import StampService
from skillcert.access import Owner, access
from skillcert.auth import Principal, Role, require_roles
from skillcert.errors import problem_responses
from skillcert.http import DbSession, service_router

router = service_router("/api/v1/certificate", tags=["certificate"])

# The institution head's 签名章 and the organisation's 公章: the two stamps of a certificate.
StampOwner = Annotated[Principal, Depends(require_roles(Role.INSTITUTION_HEAD, Role.ORG_ADMIN))]
Head = Annotated[Principal, Depends(require_roles(Role.INSTITUTION_HEAD))]
Ops = Annotated[Principal, Depends(require_roles(Role.OPS))]

PDF: dict[int | str, dict[str, Any]] = {200: {"content": {"application/pdf": {}}}}


async def _service(ctx: CurrentContext, session: DbSession) -> StampService:
    return StampService(session, ctx.storage, ctx.settings.stamp_max_bytes)


Stamps = Annotated[StampService, Depends(_service)]


@router.get(
    "/stamps/agreement",
    response_model=AgreementOut,
    responses=problem_responses(401, 403),
    **access(institution_head=Owner.INSTITUTION),
)
async def stamp_agreement(principal: Head, stamps: Stamps) -> AgreementOut:
    """《电子签名章使用授权委托书》: the current version, and when the head accepted it."""
    current = await stamps.agreement()
    accepted = await stamps.acceptance_of(principal)
    return AgreementOut(
        version=current.version,
        title=current.title,
        body=current.body,
        published_at=current.published_at,
        accepted_at=accepted.accepted_at if accepted else None,
    )


@router.post(
    "/stamps/agreement/acceptances",
    response_model=AgreementAcceptanceOut,
    responses=problem_responses(401, 403, 422),
    **access(institution_head=Owner.INSTITUTION),
)
async def accept_stamp_agreement(
    body: AgreementAcceptIn, request: Request, principal: Head, stamps: Stamps
) -> AgreementAcceptanceOut:
    """The head accepts the version they read; who, when, which version and the address the
    request came from are recorded."""
    ip = request.client.host if request.client else "unknown"
    return AgreementAcceptanceOut.model_validate(await stamps.accept(principal, body.version, ip))


@router.post(
    "/stamp-agreements",
    response_model=AgreementOut,
    responses=problem_responses(401, 403, 422),
    **access(ops=Owner.ANY),
)
async def publish_stamp_agreement(body: AgreementIn, _: Ops, stamps: Stamps) -> AgreementOut:
    """A new version of the agreement (operators); every head accepts it again before the next
    stamp upload."""
    row = await stamps.publish_agreement(body.title, body.body)
    return AgreementOut(
        version=row.version,
        title=row.title,
        body=row.body,
        published_at=row.published_at,
        accepted_at=None,
    )


@router.post(
    "/stamps/upload-url",
    response_model=StampUploadUrlOut,
    responses=problem_responses(400, 401, 403),
    **access(org_admin=Owner.ORG, institution_head=Owner.INSTITUTION),
)
async def stamp_upload_url(principal: StampOwner, stamps: Stamps) -> StampUploadUrlOut:
    """Where the head uploads the signature stamp PNG (签名章), or the organisation its seal,
    with a PUT. The head must have accepted the current agreement."""
    key, upload = await stamps.upload_url(principal)
    return StampUploadUrlOut(
        object_key=key,
        upload=PresignedPutOut(
            method=upload.method,
            url=upload.url,
            headers=upload.headers,
            expires_in_s=upload.expires_in_s,
        ),
    )


@router.post(
    "/stamps/preview",
    response_class=Response,
    responses={**PDF, **problem_responses(400, 401, 403, 422)},
    **access(org_admin=Owner.ORG, institution_head=Owner.INSTITUTION),
)
async def preview_stamp(body: StampConfirmIn, principal: StampOwner, stamps: Stamps) -> Response:
    """预览: a sample certificate with the uploaded (not yet confirmed) stamp in place."""
    pdf = await stamps.preview(principal, body.object_key)
    return Response(
        content=pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": 'inline; filename="stamp-preview.pdf"'},
    )


@router.post(
    "/stamps",
    response_model=StampOut,
    responses=problem_responses(400, 401, 403, 422),
    **access(org_admin=Owner.ORG, institution_head=Owner.INSTITUTION),
)
async def confirm_stamp(body: StampConfirmIn, principal: StampOwner, stamps: Stamps) -> StampOut:
    """Accept the uploaded stamp after checking it (transparent square PNG of about 95×95 px,
    at most 1 MB); it replaces the old one."""
    return StampOut.model_validate(await stamps.confirm(principal, body.object_key))


@router.get(
    "/stamps/mine",
    response_model=MyStampOut,
    responses=problem_responses(401, 403, 404),
    **access(org_admin=Owner.ORG, institution_head=Owner.INSTITUTION),
)
async def my_stamp(ctx: CurrentContext, principal: StampOwner, stamps: Stamps) -> MyStampOut:
    """The caller's own stamp (the head's 签名章, or the organisation's seal) with a short-lived
    image link; nobody can see another's."""
    stamp, url = await stamps.mine(principal, timedelta(seconds=ctx.settings.download_url_ttl_s))
    return MyStampOut(
        institution_id=stamp.institution_id,
        size=stamp.size,
        width=stamp.width,
        height=stamp.height,
        uploaded_at=stamp.uploaded_at,
        image_url=url,
    )
