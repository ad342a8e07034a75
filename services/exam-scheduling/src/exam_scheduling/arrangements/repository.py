from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from exam_scheduling.allocations.models import ApprovedCandidate, SeatAllocation
from exam_scheduling.allocations.rules import AllocationStatus
from exam_scheduling.arrangements.rules import Scope
from exam_scheduling.plans.models import ExamPlan, PlanSite
from exam_scheduling.sites.models import Room, Site


@dataclass(frozen=True)
class RoomLine:
    plan: ExamPlan
    site: Site
    room: Room
    seated: int


@dataclass(frozen=True)
class DetailLine:
    plan: ExamPlan
    site: Site
    room: Room
    allocation: SeatAllocation
    candidate: ApprovedCandidate


def _scoped(query: Select[Any], scope: Scope, plan_id: UUID | None) -> Select[Any]:
    if scope.institution_id is not None:
        query = query.where(Site.institution_id == scope.institution_id)
    if scope.org_id is not None:
        query = query.where(ExamPlan.org_id == scope.org_id)
    if plan_id is not None:
        query = query.where(ExamPlan.id == plan_id)
    return query


class ArrangementRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def plan_in_scope(self, scope: Scope, plan_id: UUID) -> bool:
        """Whether any site in the caller's scope serves the plan."""
        query = _scoped(
            select(PlanSite.plan_id)
            .join(Site, Site.id == PlanSite.site_id)
            .join(ExamPlan, ExamPlan.id == PlanSite.plan_id),
            scope,
            plan_id,
        ).limit(1)
        return (await self.session.execute(query)).first() is not None

    async def sites_without_rooms(
        self, scope: Scope, plan_id: UUID | None
    ) -> list[tuple[ExamPlan, Site]]:
        """Plan sites in scope, rooms or not: a site with no room yet is still arranged."""
        query = _scoped(
            select(ExamPlan, Site)
            .join(PlanSite, PlanSite.plan_id == ExamPlan.id)
            .join(Site, Site.id == PlanSite.site_id),
            scope,
            plan_id,
        ).order_by(ExamPlan.exam_starts_at.desc(), ExamPlan.id, PlanSite.position)
        return [(p, s) for p, s in (await self.session.execute(query)).tuples()]

    async def rooms(self, scope: Scope, plan_id: UUID | None) -> list[RoomLine]:
        """Every room serving a plan in scope with the candidates seated in it for that plan."""
        seated = (
            select(
                SeatAllocation.plan_id,
                SeatAllocation.room_id,
                func.count(SeatAllocation.id).label("n"),
            )
            .where(SeatAllocation.status == AllocationStatus.SCHEDULED)
            .group_by(SeatAllocation.plan_id, SeatAllocation.room_id)
            .subquery()
        )
        query = _scoped(
            select(ExamPlan, Site, Room, func.coalesce(seated.c.n, 0))
            .join(PlanSite, PlanSite.plan_id == ExamPlan.id)
            .join(Site, Site.id == PlanSite.site_id)
            # The plan's own rooms, and standing ones of before rooms were per exam.
            .join(
                Room,
                (Room.site_id == Site.id)
                & ((Room.plan_id == ExamPlan.id) | Room.plan_id.is_(None)),
            )
            .outerjoin(seated, (seated.c.plan_id == ExamPlan.id) & (seated.c.room_id == Room.id)),
            scope,
            plan_id,
        ).order_by(ExamPlan.exam_starts_at.desc(), ExamPlan.id, PlanSite.position, Room.number)
        rows = (await self.session.execute(query)).tuples()
        return [RoomLine(p, s, r, int(n)) for p, s, r, n in rows]

    async def details(self, scope: Scope, plan_id: UUID | None) -> list[DetailLine]:
        query = _scoped(
            select(ExamPlan, Site, Room, SeatAllocation, ApprovedCandidate)
            .join(SeatAllocation, SeatAllocation.plan_id == ExamPlan.id)
            .join(Room, Room.id == SeatAllocation.room_id)
            .join(Site, Site.id == Room.site_id)
            .join(PlanSite, (PlanSite.plan_id == ExamPlan.id) & (PlanSite.site_id == Site.id))
            .join(
                ApprovedCandidate,
                ApprovedCandidate.application_id == SeatAllocation.application_id,
            )
            .where(SeatAllocation.status == AllocationStatus.SCHEDULED),
            scope,
            plan_id,
        ).order_by(
            ExamPlan.exam_starts_at.desc(),
            ExamPlan.id,
            PlanSite.position,
            Room.number,
            SeatAllocation.seat_number,
        )
        rows = (await self.session.execute(query)).tuples()
        return [DetailLine(*row) for row in rows]
