from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from certificate.context import CurrentContext
from certificate.stamps.schemas import PresignedPutOut, StampConfirmIn, StampOut, StampUploadUrlOut
from certificate.stamps.service import StampService
from skillcert.access import Owner, access
from skillcert.auth import Principal, Role, require_roles
from skillcert.errors import problem_responses
from skillcert.http import DbSession, service_router

router = service_router("/api/v1/certificate", tags=["certificate"])

# The institution head's 签名章 and the organisation's 公章: the two stamps of a certificate.
Head = Annotated[Principal, Depends(require_roles(Role.INSTITUTION_HEAD, Role.ORG_ADMIN))]


async def _service(ctx: CurrentContext, session: DbSession) -> StampService:
    return StampService(session, ctx.storage, ctx.settings.stamp_max_bytes)


Stamps = Annotated[StampService, Depends(_service)]


@router.post(
    "/stamps/upload-url",
    response_model=StampUploadUrlOut,
    responses=problem_responses(401, 403),
    **access(org_admin=Owner.ORG, institution_head=Owner.INSTITUTION),
)
async def stamp_upload_url(principal: Head, stamps: Stamps) -> StampUploadUrlOut:
    """Where the head uploads the signature stamp PNG (签名章), or the organisation its seal,
    with a PUT."""
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
    "/stamps",
    response_model=StampOut,
    responses=problem_responses(401, 403, 422),
    **access(org_admin=Owner.ORG, institution_head=Owner.INSTITUTION),
)
async def confirm_stamp(body: StampConfirmIn, principal: Head, stamps: Stamps) -> StampOut:
    """Accept the uploaded stamp after checking it (PNG, at most 1 MB); it replaces the old one."""
    return StampOut.model_validate(await stamps.confirm(principal, body.object_key))
