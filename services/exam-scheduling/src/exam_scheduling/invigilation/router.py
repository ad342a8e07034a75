from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import Depends

from exam_scheduling.invigilation.rules import INSTITUTION_ROLES, Duty
from exam_scheduling.invigilation.schemas import (
    DutyAccountOut,
    DutyAssignmentOut,
    DutyOut,
    ExamSessionOut,
    InspectorIn,
    InvigilatorIn,
)
from exam_scheduling.invigilation.service import InvigilationService
from skillcert.access import Owner, access
from skillcert.auth import Principal, Role, require_roles
from skillcert.errors import problem_responses
from skillcert.http import DbSession, service_router

router = service_router("/api/v1/exam-scheduling", tags=["exam-scheduling: invigilation"])

Staff = Annotated[Principal, Depends(require_roles(Role.ORG_ADMIN, *INSTITUTION_ROLES))]
Institution = Annotated[Principal, Depends(require_roles(*INSTITUTION_ROLES))]
OrgAdmin = Annotated[Principal, Depends(require_roles(Role.ORG_ADMIN))]
OnDuty = Annotated[Principal, Depends(require_roles(Role.INVIGILATOR, Role.INSPECTOR))]


@router.get(
    "/sites/{site_id}/sessions",
    response_model=list[ExamSessionOut],
    responses=problem_responses(401, 403, 404),
    **access(
        org_admin=Owner.ORG, institution_admin=Owner.INSTITUTION, institution_head=Owner.INSTITUTION
    ),
)
async def site_sessions(
    site_id: UUID, principal: Staff, session: DbSession
) -> list[ExamSessionOut]:
    """场次: every subject session of the plans the site takes part in."""
    return await InvigilationService(session).site_sessions(principal, site_id)


@router.get(
    "/duty-accounts/invigilators",
    response_model=list[DutyAccountOut],
    responses=problem_responses(401, 403),
    **access(institution_admin=Owner.INSTITUTION, institution_head=Owner.INSTITUTION),
)
async def invigilator_accounts(principal: Institution, session: DbSession) -> list[DutyAccountOut]:
    """The caller's institution's invigilator accounts (监考人员), to assign."""
    return await InvigilationService(session).assignable(principal, Duty.INVIGILATOR)


@router.get(
    "/duty-accounts/inspectors",
    response_model=list[DutyAccountOut],
    responses=problem_responses(401, 403),
    **access(org_admin=Owner.ORG),
)
async def inspector_accounts(principal: OrgAdmin, session: DbSession) -> list[DutyAccountOut]:
    """The caller's organisation's inspector accounts (巡考人员), to assign."""
    return await InvigilationService(session).assignable(principal, Duty.INSPECTOR)


@router.get(
    "/rooms/{room_id}/invigilators",
    response_model=list[DutyAssignmentOut],
    responses=problem_responses(401, 403, 404),
    **access(
        org_admin=Owner.ORG, institution_admin=Owner.INSTITUTION, institution_head=Owner.INSTITUTION
    ),
)
async def room_invigilators(
    room_id: UUID, principal: Staff, session: DbSession
) -> list[DutyAssignmentOut]:
    return await InvigilationService(session).room_invigilators(principal, room_id)


@router.post(
    "/rooms/{room_id}/invigilators",
    status_code=201,
    response_model=DutyAssignmentOut,
    responses=problem_responses(401, 403, 404, 409, 422),
    **access(institution_admin=Owner.INSTITUTION, institution_head=Owner.INSTITUTION),
)
async def assign_invigilator(
    room_id: UUID, data: InvigilatorIn, principal: Institution, session: DbSession
) -> DutyAssignmentOut:
    """安排监考: the institution that runs the site puts one of its invigilators in the room
    for a session."""
    return await InvigilationService(session).assign_invigilator(principal, room_id, data)


@router.delete(
    "/rooms/{room_id}/invigilators/{assignment_id}",
    status_code=204,
    responses=problem_responses(401, 403, 404),
    **access(institution_admin=Owner.INSTITUTION, institution_head=Owner.INSTITUTION),
)
async def unassign_invigilator(
    room_id: UUID, assignment_id: UUID, principal: Institution, session: DbSession
) -> None:
    await InvigilationService(session).unassign_invigilator(principal, room_id, assignment_id)


@router.get(
    "/sites/{site_id}/inspectors",
    response_model=list[DutyAssignmentOut],
    responses=problem_responses(401, 403, 404),
    **access(
        org_admin=Owner.ORG, institution_admin=Owner.INSTITUTION, institution_head=Owner.INSTITUTION
    ),
)
async def site_inspectors(
    site_id: UUID, principal: Staff, session: DbSession
) -> list[DutyAssignmentOut]:
    return await InvigilationService(session).site_inspectors(principal, site_id)


@router.post(
    "/sites/{site_id}/inspectors",
    status_code=201,
    response_model=list[DutyAssignmentOut],
    responses=problem_responses(401, 403, 404, 422),
    **access(org_admin=Owner.ORG),
)
async def assign_inspector(
    site_id: UUID, data: InspectorIn, principal: OrgAdmin, session: DbSession
) -> list[DutyAssignmentOut]:
    """安排巡考: the organisation puts one of its inspectors over rooms of the site (or the
    whole site) for a session; the assignments made (none when all existed)."""
    return await InvigilationService(session).assign_inspector(principal, site_id, data)


@router.delete(
    "/sites/{site_id}/inspectors/{assignment_id}",
    status_code=204,
    responses=problem_responses(401, 403, 404),
    **access(org_admin=Owner.ORG),
)
async def unassign_inspector(
    site_id: UUID, assignment_id: UUID, principal: OrgAdmin, session: DbSession
) -> None:
    await InvigilationService(session).unassign_inspector(principal, site_id, assignment_id)


@router.get(
    "/duties/mine",
    response_model=list[DutyOut],
    responses=problem_responses(401, 403),
    **access(invigilator=Owner.OWN, inspector=Owner.OWN, note="本人的监考/巡考任务"),
)
async def my_duties(principal: OnDuty, session: DbSession) -> list[DutyOut]:
    """我的监考/巡考安排: the rooms and sessions the caller is on duty in, and nothing else."""
    return await InvigilationService(session).my_duties(principal)
