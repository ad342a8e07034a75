from __future__ import annotations

from datetime import timedelta
from typing import Annotated
from uuid import UUID

from fastapi import Depends, Request

from registration.context import context
from registration.documents.schemas import (
    DocumentOut,
    PresignedUploadOut,
    UploadOut,
    UploadRequestIn,
)
from registration.documents.service import DocumentRejected, DocumentService
from skillcert.access import Owner, access
from skillcert.auth import Principal, Role, require_roles
from skillcert.db import transaction
from skillcert.errors import problem_responses
from skillcert.http import DbSession, service_router

router = service_router("/api/v1/registration", tags=["registration: documents"])

Candidate = Annotated[Principal, Depends(require_roles(Role.CANDIDATE))]


@router.post(
    "/applications/{application_id}/documents",
    status_code=201,
    response_model=UploadOut,
    responses=problem_responses(400, 401, 403, 404, 409, 422),
    **access(candidate=Owner.OWN),
)
async def request_upload(
    application_id: UUID,
    body: UploadRequestIn,
    principal: Candidate,
    session: DbSession,
    request: Request,
) -> UploadOut:
    """A presigned URL to upload one material to; confirm it once uploaded."""
    ctx = context(request)
    settings = ctx.settings
    document, upload = await DocumentService(session, ctx.storage).request_upload(
        principal.account_id,
        application_id,
        body.kind,
        body.content_type,
        body.size,
        timedelta(seconds=settings.upload_url_expires_s),
    )
    return UploadOut(
        document_id=document.id,
        kind=document.kind,
        upload=PresignedUploadOut(
            method=upload.method,
            url=upload.url,
            headers=upload.headers,
            fields=upload.fields,
            expires_in_s=upload.expires_in_s,
        ),
    )


@router.post(
    "/applications/{application_id}/documents/{document_id}/confirm",
    response_model=DocumentOut,
    responses=problem_responses(400, 401, 403, 404, 409, 422),
    **access(candidate=Owner.OWN),
)
async def confirm_upload(
    application_id: UUID,
    document_id: UUID,
    principal: Candidate,
    session: DbSession,
    request: Request,
) -> DocumentOut:
    """Check what arrived: the photo a real JPEG of 40–80 KB, other materials JPG/PNG/PDF up to
    5 MB. A bad file answers 422 and is marked rejected; the accepted one of its kind stays."""
    ctx = context(request)
    try:
        document = await DocumentService(session, ctx.storage).confirm(
            principal.account_id, application_id, document_id
        )
    except DocumentRejected as rejected:
        await session.rollback()  # release the application's row lock before the second unit
        async with transaction(ctx.sessionmaker) as own:
            await DocumentService(own, ctx.storage).mark_rejected(
                rejected.document_id, rejected.reason
            )
        raise
    return DocumentOut.model_validate(document)
