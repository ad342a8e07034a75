from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import Body, Depends, Query, Request

from registration.applications.models import Application
from registration.applications.rules import STATUS_LABELS, ApplicationStatus
from registration.applications.schemas import (
    ApplicationOut,
    ApplicationSummaryOut,
    BasicInfoIn,
    ConditionIn,
    CreateApplicationIn,
    IdentityIn,
    MailInIn,
    RegistrationInfoIn,
    StaffApplicationSummaryOut,
    SubmissionReceiptOut,
    WithdrawIn,
    application_out,
    application_summary,
    staff_summary,
)
from registration.applications.service import ApplicationService
from registration.applications.staff import StaffService
from registration.config import RegistrationSettings
from registration.context import context
from skillcert.access import Owner, access
from skillcert.auth import Principal, Role, require_roles
from skillcert.errors import problem_responses
from skillcert.http import DbSession, service_router
from skillcert.paging import Page

router = service_router("/api/v1/registration", tags=["registration: applications"])

Candidate = Annotated[Principal, Depends(require_roles(Role.CANDIDATE))]
Staff = Annotated[Principal, Depends(require_roles(Role.REVIEWER, Role.ORG_ADMIN))]


async def _settings(request: Request) -> RegistrationSettings:
    return context(request).settings


Settings = Annotated[RegistrationSettings, Depends(_settings)]

_EDIT_ERRORS = problem_responses(400, 401, 403, 404, 409, 422)


async def _view(
    service: ApplicationService | StaffService, application: Application
) -> ApplicationOut:
    return application_out(await service.view_of(application))


@router.post(
    "/applications",
    status_code=201,
    response_model=ApplicationOut,
    responses=problem_responses(400, 401, 403, 404, 409, 422),
    **access(candidate=Owner.OWN),
)
async def create_application(
    body: CreateApplicationIn, principal: Candidate, session: DbSession
) -> ApplicationOut:
    """Start an application (报名) for an open plan; one active application per plan."""
    service = ApplicationService(session)
    application = await service.create(principal.account_id, body.plan_id)
    return await _view(service, application)


@router.get(
    "/applications",
    response_model=Page[ApplicationSummaryOut],
    responses=problem_responses(401, 403, 422),
    **access(candidate=Owner.OWN),
)
async def list_my_applications(
    principal: Candidate,
    session: DbSession,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> Page[ApplicationSummaryOut]:
    """The caller's applications, newest first; ID numbers and phones masked."""
    applications, plans = await ApplicationService(session).mine(
        principal.account_id, cursor, limit
    )
    return applications.page(lambda a: application_summary(a, plans.get(a.plan_id)))


@router.get(
    "/applications/{application_id}",
    response_model=ApplicationOut,
    responses=problem_responses(401, 403, 404, 422),
    **access(candidate=Owner.OWN),
)
async def get_application(
    application_id: UUID, principal: Candidate, session: DbSession
) -> ApplicationOut:
    """One of the caller's applications with documents, status history and rejection reasons."""
    return application_out(
        await ApplicationService(session).view(principal.account_id, application_id)
    )


@router.put(
    "/applications/{application_id}/basic-info",
    response_model=ApplicationOut,
    responses=_EDIT_ERRORS,
    **access(candidate=Owner.OWN),
)
async def save_basic_info(
    application_id: UUID,
    body: BasicInfoIn,
    principal: Candidate,
    session: DbSession,
    settings: Settings,
) -> ApplicationOut:
    """Step 1 基础信息: options from GET /options; every wrong field answered at once."""
    service = ApplicationService(session, settings)
    application = await service.save_basic_info(principal.account_id, application_id, body)
    return await _view(service, application)


@router.put(
    "/applications/{application_id}/identity",
    response_model=ApplicationOut,
    responses=_EDIT_ERRORS,
    **access(candidate=Owner.OWN),
)
async def save_identity(
    application_id: UUID, body: IdentityIn, principal: Candidate, session: DbSession
) -> ApplicationOut:
    """Step 2 身份选择."""
    service = ApplicationService(session)
    application = await service.save_identity(principal.account_id, application_id, body)
    return await _view(service, application)


@router.put(
    "/applications/{application_id}/registration-info",
    response_model=ApplicationOut,
    responses=_EDIT_ERRORS,
    **access(candidate=Owner.OWN),
)
async def save_registration_info(
    application_id: UUID,
    body: RegistrationInfoIn,
    principal: Candidate,
    session: DbSession,
    settings: Settings,
) -> ApplicationOut:
    """Step 3 报名信息: ID (resident IDs checked against step 1), units, hukou / residence /
    work-unit divisions (GB/T 2260, from GET /divisions), work history (months, no overlaps,
    nothing after today; the total is computed)."""
    service = ApplicationService(session, settings)
    application = await service.save_registration_info(principal.account_id, application_id, body)
    return await _view(service, application)


@router.put(
    "/applications/{application_id}/condition",
    response_model=ApplicationOut,
    responses=_EDIT_ERRORS,
    **access(candidate=Owner.OWN),
)
async def save_condition(
    application_id: UUID,
    body: ConditionIn,
    principal: Candidate,
    session: DbSession,
    settings: Settings,
) -> ApplicationOut:
    """Step 4 申报条件: decides which materials are required; a condition building on a lower
    level takes the prior certificate (原证书)."""
    service = ApplicationService(session, settings)
    application = await service.save_condition(principal.account_id, application_id, body)
    return await _view(service, application)


@router.post(
    "/applications/{application_id}/submit",
    response_model=SubmissionReceiptOut,
    responses=_EDIT_ERRORS,
    **access(candidate=Owner.OWN),
)
async def submit_application(
    application_id: UUID, principal: Candidate, session: DbSession, settings: Settings
) -> SubmissionReceiptOut:
    """Submit for review (审核中); again after rejection or after editing while under review.
    Answers with the receipt; `GET /applications/{id}` shows the whole application."""
    application = await ApplicationService(session, settings).submit(
        principal.account_id, application_id
    )
    assert application.submitted_at is not None
    return SubmissionReceiptOut(
        id=application.id,
        plan_id=application.plan_id,
        status=application.status,
        status_label=STATUS_LABELS[ApplicationStatus(application.status)],
        revision=application.revision,
        submitted_at=application.submitted_at,
    )


@router.post(
    "/applications/{application_id}/withdraw",
    response_model=ApplicationOut,
    responses=problem_responses(401, 403, 404, 409, 422),
    **access(candidate=Owner.OWN),
)
async def withdraw_application(
    application_id: UUID,
    principal: Candidate,
    session: DbSession,
    body: Annotated[WithdrawIn | None, Body()] = None,
) -> ApplicationOut:
    """Withdraw (撤回) the application; the candidate may then apply to the plan again."""
    service = ApplicationService(session)
    application = await service.withdraw(
        principal.account_id, application_id, body.reason if body else None
    )
    return await _view(service, application)


# --- the organisation's staff ----------------------------------------------------------------


@router.post(
    "/applications/{application_id}/mail-in",
    response_model=ApplicationOut,
    responses=problem_responses(400, 401, 403, 404, 409, 422),
    **access(reviewer=Owner.ORG, org_admin=Owner.ORG),
)
async def record_mail_in(
    application_id: UUID, body: MailInIn, principal: Staff, session: DbSession
) -> ApplicationOut:
    """Log the paper forms received by post (邮寄材料), for plans that require them; staff of
    the plan's organisation only."""
    service = StaffService(session)
    application = await service.record_mail_in(principal, application_id, body)
    return await _view(service, application)


@router.get(
    "/staff/applications",
    response_model=Page[StaffApplicationSummaryOut],
    responses=problem_responses(401, 403, 422),
    **access(reviewer=Owner.ORG, org_admin=Owner.ORG),
)
async def list_org_applications(
    principal: Staff,
    session: DbSession,
    plan_id: UUID | None = None,
    status: ApplicationStatus | None = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> Page[StaffApplicationSummaryOut]:
    """Applications to the caller's organisation's plans, newest first; ID numbers and phones
    masked."""
    applications, plans = await StaffService(session).of_org(
        principal, plan_id, status, cursor, limit
    )
    return applications.page(lambda a: staff_summary(a, plans.get(a.plan_id)))
