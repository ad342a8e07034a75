from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import Body, Depends, Query, Request

from review.cases.rules import CaseStatus
from review.cases.schemas import (
    ApproveIn,
    AuditEntryOut,
    CaseDetailOut,
    ClaimResultOut,
    DecisionResultOut,
    QueueItemOut,
    RejectIn,
)
from review.cases.service import CaseService
from review.context import CurrentContext, context
from skillcert.access import Owner, access
from skillcert.auth import Principal, Role, require_roles
from skillcert.errors import problem_responses
from skillcert.http import DbSession, service_router
from skillcert.paging import Page

router = service_router("/api/v1/review", tags=["review"])

# Reviewers decide; the organisation's admins may look over their shoulder.
Reviewer = Annotated[Principal, Depends(require_roles(Role.REVIEWER))]
ReviewStaff = Annotated[Principal, Depends(require_roles(Role.REVIEWER, Role.ORG_ADMIN))]


async def _service(ctx: CurrentContext, session: DbSession) -> CaseService:
    return CaseService(session, ctx.settings)


Service = Annotated[CaseService, Depends(_service)]


@router.get(
    "/queue",
    response_model=Page[QueueItemOut],
    responses=problem_responses(401, 403, 422),
    **access(reviewer=Owner.ORG, org_admin=Owner.ORG),
)
async def review_queue(
    principal: ReviewStaff,
    service: Service,
    status: CaseStatus = CaseStatus.PENDING,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> Page[QueueItemOut]:
    """The review queue (审核队列) of the caller's organisation, oldest submission first."""
    items = await service.queue(principal, status, cursor, limit)
    return items.page()


@router.get(
    "/cases/by-application/{application_id}",
    response_model=CaseDetailOut,
    responses=problem_responses(401, 403, 404, 422),
    **access(reviewer=Owner.ORG, org_admin=Owner.ORG),
)
async def case_by_application(
    application_id: UUID, principal: ReviewStaff, service: Service, request: Request
) -> CaseDetailOut:
    case_id = await service.case_id_of(principal, application_id)
    return await service.detail(principal, case_id, context(request).storage)


@router.get(
    "/cases/{case_id}",
    response_model=CaseDetailOut,
    responses=problem_responses(401, 403, 404, 422),
    **access(reviewer=Owner.ORG, org_admin=Owner.ORG),
)
async def get_case(
    case_id: UUID, principal: ReviewStaff, service: Service, request: Request
) -> CaseDetailOut:
    """A case with findings, history, document download links and the audit trail."""
    return await service.detail(principal, case_id, context(request).storage)


@router.get(
    "/cases/{case_id}/audit",
    response_model=list[AuditEntryOut],
    responses=problem_responses(401, 403, 404, 422),
    **access(reviewer=Owner.ORG, org_admin=Owner.ORG),
)
async def case_audit(
    case_id: UUID, principal: ReviewStaff, service: Service
) -> list[AuditEntryOut]:
    return await service.audit(principal, case_id)


@router.post(
    "/cases/{case_id}/claim",
    response_model=ClaimResultOut,
    responses=problem_responses(401, 403, 404, 409, 422),
    **access(reviewer=Owner.ORG),
)
async def claim_case(case_id: UUID, principal: Reviewer, service: Service) -> ClaimResultOut:
    """Claim (领取) a case for the lease time; claiming it again extends the lease."""
    return await service.claim(principal, case_id)


@router.post(
    "/cases/{case_id}/approve",
    response_model=DecisionResultOut,
    responses=problem_responses(401, 403, 404, 409, 422),
    **access(reviewer=Owner.ORG),
)
async def approve_case(
    case_id: UUID,
    principal: Reviewer,
    service: Service,
    body: Annotated[ApproveIn | None, Body()] = None,
) -> DecisionResultOut:
    """Approve (审核通过); only by the reviewer holding the claim."""
    return await service.approve(principal, case_id, body or ApproveIn())


@router.post(
    "/cases/{case_id}/reject",
    response_model=DecisionResultOut,
    responses=problem_responses(401, 403, 404, 409, 422),
    **access(reviewer=Owner.ORG),
)
async def reject_case(
    case_id: UUID, principal: Reviewer, service: Service, body: RejectIn
) -> DecisionResultOut:
    """Reject (审核不通过) with at least one reason; only by the reviewer holding the claim."""
    return await service.reject(principal, case_id, body)
