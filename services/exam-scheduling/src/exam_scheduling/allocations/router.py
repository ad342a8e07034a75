from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import Depends

from exam_scheduling.allocations.schemas import RosterEntryOut, ScheduleResultOut, TicketOut
from exam_scheduling.allocations.service import AllocationService
from skillcert.access import Owner, access
from skillcert.auth import Principal, Role, require_roles
from skillcert.errors import problem_responses
from skillcert.http import DbSession, service_router

router = service_router("/api/v1/exam-scheduling", tags=["exam-scheduling: allocations"])

OrgAdmin = Annotated[Principal, Depends(require_roles(Role.ORG_ADMIN))]
Candidate = Annotated[Principal, Depends(require_roles(Role.CANDIDATE))]


@router.get(
    "/tickets/mine",
    response_model=list[TicketOut],
    responses=problem_responses(401, 403),
    **access(candidate=Owner.OWN),
)
async def my_tickets(principal: Candidate, session: DbSession) -> list[TicketOut]:
    """The caller's admission tickets (准考证), soonest exam first."""
    return await AllocationService(session).tickets(principal.account_id)


@router.get(
    "/plans/{plan_id}/allocations",
    response_model=list[RosterEntryOut],
    responses=problem_responses(401, 403, 404),
    **access(org_admin=Owner.ORG),
)
async def plan_roster(
    plan_id: UUID, principal: OrgAdmin, session: DbSession
) -> list[RosterEntryOut]:
    """The plan's roster (考场编排): site, room, seat and ticket per candidate, ID masked."""
    return await AllocationService(session).roster(principal, plan_id)


@router.post(
    "/plans/{plan_id}/allocations/schedule",
    response_model=ScheduleResultOut,
    responses=problem_responses(400, 401, 403, 404),
    **access(org_admin=Owner.ORG),
)
async def schedule_waiting(
    plan_id: UUID, principal: OrgAdmin, session: DbSession
) -> ScheduleResultOut:
    """Seat the candidates waiting for a room (待排考), e.g. after rooms were added."""
    return await AllocationService(session).schedule_waiting(principal, plan_id)
