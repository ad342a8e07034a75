from __future__ import annotations

from datetime import timedelta
from typing import Annotated
from uuid import UUID

from fastapi import Depends, Query, Response

from institution.context import CurrentContext
from institution.pilot.rules import PilotStatus, certificate_catalogue, major_catalogue
from institution.pilot.schemas import (
    NewPilotApplicationIn,
    PilotApplicationIn,
    PilotApplicationOut,
    PilotAttachmentOut,
    PilotAttachmentRequestIn,
    PilotAttachmentUploadOut,
    PilotBatchIn,
    PilotCertificateOut,
    PilotDecisionIn,
    PilotDownloadOut,
    PilotMajorOut,
    PilotPlanIn,
    PilotPlanOut,
    PilotPresignedUploadOut,
    PilotStatusOut,
    PilotSubmitIn,
    attachment_out,
)
from institution.pilot.service import AttachmentRejected, AttachmentService, PilotService
from skillcert.access import Owner, access, public
from skillcert.auth import Principal, Role, require_roles
from skillcert.clock import utcnow
from skillcert.db import transaction
from skillcert.errors import problem_responses
from skillcert.http import DbSession, service_router
from skillcert.paging import Page

router = service_router("/api/v1/institution/pilot", tags=["institution: pilot"])

ProvinceAdmin = Annotated[Principal, Depends(require_roles(Role.PROVINCE_ADMIN))]
InstitutionStaff = Annotated[
    Principal, Depends(require_roles(Role.INSTITUTION_HEAD, Role.INSTITUTION_ADMIN))
]
PlanReader = Annotated[
    Principal,
    Depends(require_roles(Role.PROVINCE_ADMIN, Role.INSTITUTION_HEAD, Role.INSTITUTION_ADMIN)),
]
Reviewer = Annotated[Principal, Depends(require_roles(Role.PROVINCE_ADMIN, Role.CITY_REVIEWER))]
Anyone = Annotated[
    Principal,
    Depends(
        require_roles(
            Role.PROVINCE_ADMIN,
            Role.CITY_REVIEWER,
            Role.INSTITUTION_HEAD,
            Role.INSTITUTION_ADMIN,
        )
    ),
]
Limit = Annotated[int, Query(ge=1, le=100)]


# --- catalogues (public: what the forms offer) ---------------------------------------------


@router.get(
    "/certificates", response_model=list[PilotCertificateOut], **public("试点证书目录（公开）")
)
async def list_certificates() -> list[PilotCertificateOut]:
    """证书目录: the certificates a plan may offer (code = occupation code). Public."""
    return [
        PilotCertificateOut(code=c.code, name=c.name, organisation=c.organisation)
        for c in certificate_catalogue().values()
    ]


@router.get("/majors", response_model=list[PilotMajorOut], **public("专业目录（公开）"))
async def list_majors(
    q: Annotated[str | None, Query(max_length=50, description="part of name or code")] = None,
) -> list[PilotMajorOut]:
    """专业目录 (职业教育专业目录): the majors an application names. Public."""
    return [
        PilotMajorOut(code=m.code, name=m.name, level=m.level)
        for m in major_catalogue().values()
        if not q or q in m.name or m.code.startswith(q)
    ]


# --- plans --------------------------------------------------------------------------------


@router.post(
    "/plans",
    status_code=201,
    response_model=PilotPlanOut,
    responses=problem_responses(401, 403, 409, 422),
    **access(province_admin=Owner.PROVINCE),
)
async def create_plan(
    body: PilotPlanIn, principal: ProvinceAdmin, session: DbSession
) -> PilotPlanOut:
    """发布申报计划 of a year for the admin's province, with its batches."""
    return await PilotService(session).create_plan(principal, body, utcnow())


@router.post(
    "/plans/{plan_id}/batches",
    status_code=201,
    response_model=PilotPlanOut,
    responses=problem_responses(401, 403, 404, 409, 422),
    **access(province_admin=Owner.PROVINCE),
)
async def add_batch(
    plan_id: UUID, body: PilotBatchIn, principal: ProvinceAdmin, session: DbSession
) -> PilotPlanOut:
    """增加申报批次 to the province's plan (补报)."""
    return await PilotService(session).add_batch(principal, plan_id, body, utcnow())


@router.get(
    "/plans",
    response_model=list[PilotPlanOut],
    responses=problem_responses(401, 403, 404, 422),
    **access(
        institution_admin=Owner.PROVINCE,
        institution_head=Owner.PROVINCE,
        province_admin=Owner.PROVINCE,
        note="院校所在省的计划",
    ),
)
async def list_plans(
    principal: PlanReader,
    session: DbSession,
    year: Annotated[int | None, Query(ge=2019, le=2100)] = None,
) -> list[PilotPlanOut]:
    """The province's plans, newest year first: the admin's own province, an institution's
    province (what it may apply in)."""
    return await PilotService(session).plans(principal, year, utcnow())


# --- applications -------------------------------------------------------------------------


@router.post(
    "/applications",
    status_code=201,
    response_model=PilotApplicationOut,
    responses=problem_responses(400, 401, 403, 404, 409, 422),
    **access(institution_admin=Owner.INSTITUTION, institution_head=Owner.INSTITUTION),
)
async def create_application(
    body: NewPilotApplicationIn, principal: InstitutionStaff, session: DbSession
) -> PilotApplicationOut:
    """申报证书试点: saved as a draft; only inside an open batch, base info complete."""
    return await PilotService(session).create(principal, body, utcnow())


@router.get(
    "/applications",
    response_model=Page[PilotApplicationOut],
    responses=problem_responses(401, 403, 404, 422),
    **access(
        institution_admin=Owner.INSTITUTION,
        institution_head=Owner.INSTITUTION,
        province_admin=Owner.PROVINCE,
        city_reviewer=Owner.CITY,
    ),
)
async def list_applications(
    principal: Anyone,
    session: DbSession,
    status: PilotStatus | None = None,
    plan_id: UUID | None = None,
    cursor: str | None = None,
    limit: Limit = 20,
) -> Page[PilotApplicationOut]:
    """The institution's own applications; the province's or city's review queue (filter
    `status=province_review` / `city_review`). Newest first."""
    items, next_cursor = await PilotService(session).listing(
        principal, status, plan_id, cursor, limit, utcnow()
    )
    return Page[PilotApplicationOut](items=items, next_cursor=next_cursor)


@router.get(
    "/applications/{application_id}",
    response_model=PilotApplicationOut,
    responses=problem_responses(401, 403, 404),
    **access(
        institution_admin=Owner.INSTITUTION,
        institution_head=Owner.INSTITUTION,
        province_admin=Owner.PROVINCE,
        city_reviewer=Owner.CITY,
    ),
)
async def get_application(
    application_id: UUID, principal: Anyone, session: DbSession
) -> PilotApplicationOut:
    """One application with its attachments and its decisions (the audit trail)."""
    return await PilotService(session).get(principal, application_id, utcnow())


@router.put(
    "/applications/{application_id}",
    response_model=PilotApplicationOut,
    responses=problem_responses(400, 401, 403, 404, 409, 422),
    **access(institution_admin=Owner.INSTITUTION, institution_head=Owner.INSTITUTION),
)
async def update_application(
    application_id: UUID, body: PilotApplicationIn, principal: InstitutionStaff, session: DbSession
) -> PilotApplicationOut:
    """Edit a draft, or a rejected application (then submit it again)."""
    return await PilotService(session).update(principal, application_id, body, utcnow())


@router.delete(
    "/applications/{application_id}",
    status_code=204,
    responses=problem_responses(401, 403, 404, 409),
    **access(institution_admin=Owner.INSTITUTION, institution_head=Owner.INSTITUTION),
)
async def delete_application(
    application_id: UUID, principal: InstitutionStaff, session: DbSession
) -> Response:
    """Delete a draft (a submitted application cannot be deleted)."""
    await PilotService(session).delete(principal, application_id)
    return Response(status_code=204)


@router.post(
    "/applications/{application_id}/submit",
    response_model=PilotApplicationOut,
    responses=problem_responses(400, 401, 403, 404, 409, 422),
    **access(institution_admin=Owner.INSTITUTION, institution_head=Owner.INSTITUTION),
)
async def submit_application(
    application_id: UUID, body: PilotSubmitIn, principal: InstitutionStaff, session: DbSession
) -> PilotApplicationOut:
    """提交审核 (`confirmed` must be true): locked until the decision."""
    return await PilotService(session).submit(principal, application_id, body, utcnow())


@router.post(
    "/applications/{application_id}/decisions",
    response_model=PilotApplicationOut,
    responses=problem_responses(401, 403, 404, 409, 422),
    **access(province_admin=Owner.PROVINCE, city_reviewer=Owner.CITY),
)
async def decide_application(
    application_id: UUID, body: PilotDecisionIn, principal: Reviewer, session: DbSession
) -> PilotApplicationOut:
    """审核: the city reviewer (where the batch wants it) approves or rejects with a reason;
    the province approves with the approved headcount or rejects with a reason."""
    return await PilotService(session).decide(principal, application_id, body, utcnow())


# --- attachments ----------------------------------------------------------------------------


@router.post(
    "/applications/{application_id}/attachments",
    status_code=201,
    response_model=PilotAttachmentUploadOut,
    responses=problem_responses(400, 401, 403, 404, 409, 422),
    **access(institution_admin=Owner.INSTITUTION, institution_head=Owner.INSTITUTION),
)
async def request_attachment_upload(
    application_id: UUID,
    body: PilotAttachmentRequestIn,
    principal: InstitutionStaff,
    session: DbSession,
    ctx: CurrentContext,
) -> PilotAttachmentUploadOut:
    """A presigned URL to upload one supporting document (PDF or Word, up to 10 MB) to;
    confirm it once uploaded."""
    attachment, upload = await AttachmentService(session, ctx.storage).request_upload(
        principal,
        application_id,
        body.file_name,
        body.content_type,
        body.size,
        timedelta(seconds=ctx.settings.upload_url_expires_s),
        utcnow(),
    )
    return PilotAttachmentUploadOut(
        attachment=attachment_out(attachment),
        upload=PilotPresignedUploadOut(
            method=upload.method,
            url=upload.url,
            headers=upload.headers,
            fields=upload.fields,
            expires_in_s=upload.expires_in_s,
        ),
    )


@router.post(
    "/applications/{application_id}/attachments/{attachment_id}/confirm",
    response_model=PilotAttachmentOut,
    responses=problem_responses(400, 401, 403, 404, 409, 422),
    **access(institution_admin=Owner.INSTITUTION, institution_head=Owner.INSTITUTION),
)
async def confirm_attachment(
    application_id: UUID,
    attachment_id: UUID,
    principal: InstitutionStaff,
    session: DbSession,
    ctx: CurrentContext,
) -> PilotAttachmentOut:
    """Check what arrived by its content: a PDF or a Word document, whatever its name says.
    Anything else answers 422 and is kept as rejected."""
    try:
        return await AttachmentService(session, ctx.storage).confirm(
            principal, application_id, attachment_id, utcnow()
        )
    except AttachmentRejected as rejected:
        await session.rollback()  # release the application's row lock first
        async with transaction(ctx.sessionmaker) as own:
            await AttachmentService(own, ctx.storage).mark_rejected(
                rejected.attachment_id, rejected.reason, utcnow()
            )
        raise


@router.delete(
    "/applications/{application_id}/attachments/{attachment_id}",
    status_code=204,
    responses=problem_responses(400, 401, 403, 404, 409),
    **access(institution_admin=Owner.INSTITUTION, institution_head=Owner.INSTITUTION),
)
async def delete_attachment(
    application_id: UUID,
    attachment_id: UUID,
    principal: InstitutionStaff,
    session: DbSession,
    ctx: CurrentContext,
) -> Response:
    await AttachmentService(session, ctx.storage).delete(
        principal, application_id, attachment_id, utcnow()
    )
    return Response(status_code=204)


@router.get(
    "/applications/{application_id}/attachments/{attachment_id}/download",
    response_model=PilotDownloadOut,
    responses=problem_responses(401, 403, 404),
    **access(
        institution_admin=Owner.INSTITUTION,
        institution_head=Owner.INSTITUTION,
        province_admin=Owner.PROVINCE,
        city_reviewer=Owner.CITY,
    ),
)
async def download_attachment(
    application_id: UUID,
    attachment_id: UUID,
    principal: Anyone,
    session: DbSession,
    ctx: CurrentContext,
) -> PilotDownloadOut:
    """A short-lived download link, for whoever may see the application."""
    url, name = await AttachmentService(session, ctx.storage).download(
        principal, application_id, attachment_id
    )
    return PilotDownloadOut(url=url, file_name=name)


# --- pilot status ---------------------------------------------------------------------------


@router.get(
    "/status",
    response_model=PilotStatusOut,
    responses=problem_responses(401, 403, 404),
    **access(institution_admin=Owner.INSTITUTION, institution_head=Owner.INSTITUTION),
)
async def pilot_status(principal: InstitutionStaff, session: DbSession) -> PilotStatusOut:
    """试点院校 by year: once a batch closed, an approved application makes the institution
    that year's pilot institution."""
    return await PilotService(session).pilot_status(principal, utcnow())
