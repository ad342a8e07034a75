from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import Depends, Query, Request

from exam_scheduling.context import context
from exam_scheduling.fields import Code
from exam_scheduling.plans.schemas import (
    AttachSitesIn,
    CancelPlanIn,
    PlanIn,
    PlanOut,
    WindowsIn,
)
from exam_scheduling.plans.service import PlanService
from skillcert.access import Owner, access
from skillcert.auth import CurrentPrincipal, Principal, Role, require_roles
from skillcert.errors import problem_responses
from skillcert.http import DbSession, service_router
from skillcert.paging import Page

router = service_router("/api/v1/exam-scheduling", tags=["exam-scheduling: plans"])

OrgAdmin = Annotated[Principal, Depends(require_roles(Role.ORG_ADMIN))]


@router.post(
    "/plans",
    status_code=201,
    response_model=PlanOut,
    responses=problem_responses(401, 403, 422),
    **access(org_admin=Owner.ORG),
)
async def create_plan(
    data: PlanIn, principal: OrgAdmin, session: DbSession, request: Request
) -> PlanOut:
    """Create an exam plan (考试计划) as a draft of the caller's organisation."""
    settings = context(request).settings
    org_id = principal.org_id or ""
    org_name = settings.org_names.get(org_id, org_id)
    return await PlanService(session).create(principal, data, org_name)


@router.get(
    "/plans",
    response_model=Page[PlanOut],
    responses=problem_responses(401, 422),
    **access(
        candidate=Owner.ANY,
        reviewer=Owner.ANY,
        org_admin=Owner.ANY,
        institution_admin=Owner.ANY,
        institution_head=Owner.ANY,
        province_admin=Owner.ANY,
        city_reviewer=Owner.ANY,
        invigilator=Owner.ANY,
        inspector=Owner.ANY,
        ops=Owner.ANY,
        note="已发布的计划；草稿仅本组织",
    ),
)
async def list_plans(
    principal: CurrentPrincipal,
    session: DbSession,
    occupation_code: Code | None = None,
    level: Annotated[int | None, Query(ge=1, le=5)] = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> Page[PlanOut]:
    """Plans newest first: published ones, plus the caller's organisation's drafts."""
    plans = await PlanService(session).page(principal, occupation_code, level, cursor, limit)
    return plans.page()


@router.get(
    "/plans/{plan_id}",
    response_model=PlanOut,
    responses=problem_responses(401, 404),
    **access(
        candidate=Owner.ANY,
        reviewer=Owner.ANY,
        org_admin=Owner.ANY,
        institution_admin=Owner.ANY,
        institution_head=Owner.ANY,
        province_admin=Owner.ANY,
        city_reviewer=Owner.ANY,
        invigilator=Owner.ANY,
        inspector=Owner.ANY,
        ops=Owner.ANY,
        note="已发布的计划；草稿仅本组织",
    ),
)
async def get_plan(plan_id: UUID, principal: CurrentPrincipal, session: DbSession) -> PlanOut:
    return await PlanService(session).get(principal, plan_id)


@router.post(
    "/plans/{plan_id}/sites",
    response_model=PlanOut,
    responses=problem_responses(400, 401, 403, 404, 422),
    **access(org_admin=Owner.ORG),
)
async def attach_sites(
    plan_id: UUID, data: AttachSitesIn, principal: OrgAdmin, session: DbSession
) -> PlanOut:
    """Attach test sites (考点) to a plan; already attached ones are left as they are."""
    return await PlanService(session).attach_sites(principal, plan_id, data)


@router.post(
    "/plans/{plan_id}/publish",
    response_model=PlanOut,
    responses=problem_responses(401, 403, 404, 409),
    **access(org_admin=Owner.ORG),
)
async def publish_plan(plan_id: UUID, principal: OrgAdmin, session: DbSession) -> PlanOut:
    """Publish a draft plan (发布): registration opens in its window."""
    return await PlanService(session).publish(principal, plan_id)


@router.put(
    "/plans/{plan_id}/windows",
    response_model=PlanOut,
    responses=problem_responses(401, 403, 404, 409, 422),
    **access(org_admin=Owner.ORG),
)
async def change_windows(
    plan_id: UUID, data: WindowsIn, principal: OrgAdmin, session: DbSession
) -> PlanOut:
    """Change the plan's windows (报考, 排考, 考试, 登记, 公示) and withdrawal deadline; a
    published plan's change goes out as exam.plan.windows_changed."""
    return await PlanService(session).change_windows(principal, plan_id, data)


@router.post(
    "/plans/{plan_id}/cancel",
    response_model=PlanOut,
    responses=problem_responses(400, 401, 403, 404, 409, 422),
    **access(org_admin=Owner.ORG),
)
async def cancel_plan(
    plan_id: UUID, data: CancelPlanIn, principal: OrgAdmin, session: DbSession
) -> PlanOut:
    """Cancel a published plan before its exam starts (取消): its applications close and paid
    fees are refunded by the services that hear of it."""
    return await PlanService(session).cancel(principal, plan_id, data)
