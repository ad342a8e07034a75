from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from exam_scheduling.allocations.models import (
    ApplicationRelease,
    ApprovedCandidate,
    SeatAllocation,
)
from exam_scheduling.allocations.rules import AllocationStatus
from exam_scheduling.plans.models import ExamPlan, PlanSite
from exam_scheduling.sites.models import Room, Site


@dataclass(frozen=True)
class PlanRoom:
    """A room available to a plan, in allocation order."""

    site_position: int
    site: Site
    room: Room


@dataclass(frozen=True)
class Placement:
    """An allocation with where it is, for rosters and admission tickets."""

    allocation: SeatAllocation
    candidate: ApprovedCandidate
    plan: ExamPlan
    site: Site | None
    room: Room | None


class AllocationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, row: ApprovedCandidate | SeatAllocation | ApplicationRelease) -> None:
        self.session.add(row)

    async def candidate(self, application_id: UUID) -> ApprovedCandidate | None:
        return await self.session.get(ApprovedCandidate, application_id)

    async def allocation_for(self, application_id: UUID) -> SeatAllocation | None:
        query = select(SeatAllocation).where(SeatAllocation.application_id == application_id)
        return (await self.session.execute(query)).scalar_one_or_none()

    async def released_orders(self, application_id: UUID) -> list[UUID | None]:
        """The orders refunded for the application, None for a withdrawal or forfeit."""
        query = select(ApplicationRelease.order_id).where(
            ApplicationRelease.application_id == application_id
        )
        return list((await self.session.execute(query)).scalars())

    async def plan_rooms(self, plan_id: UUID) -> list[PlanRoom]:
        """Rooms of the plan's sites set up for it, ordered by site (as attached) then room
        number."""
        query = (
            select(PlanSite.position, Site, Room)
            .join(Site, Site.id == PlanSite.site_id)
            .join(Room, Room.site_id == Site.id)
            # The site's rooms for this exam, and the standing ones of before rooms were per exam.
            .where(PlanSite.plan_id == plan_id, (Room.plan_id == plan_id) | Room.plan_id.is_(None))
            .order_by(PlanSite.position, Room.number)
        )
        rows = (await self.session.execute(query)).tuples()
        return [PlanRoom(position, site, room) for position, site, room in rows]

    async def taken_seats(self, plan_id: UUID) -> dict[UUID, set[int]]:
        query = select(SeatAllocation.room_id, SeatAllocation.seat_number).where(
            SeatAllocation.plan_id == plan_id, SeatAllocation.room_id.is_not(None)
        )
        taken: dict[UUID, set[int]] = {}
        for room_id, seat in (await self.session.execute(query)).tuples():
            if room_id is not None and seat is not None:
                taken.setdefault(room_id, set()).add(seat)
        return taken

    async def waiting(self, plan_id: UUID) -> list[SeatAllocation]:
        query = (
            select(SeatAllocation)
            .where(
                SeatAllocation.plan_id == plan_id,
                SeatAllocation.status == AllocationStatus.WAITING,
            )
            .order_by(SeatAllocation.created_at, SeatAllocation.id)
        )
        return list((await self.session.execute(query)).scalars())

    def _placements(
        self,
    ) -> Select[tuple[SeatAllocation, ApprovedCandidate, ExamPlan, Site, Room]]:
        return (
            select(SeatAllocation, ApprovedCandidate, ExamPlan, Site, Room)
            .join(
                ApprovedCandidate,
                ApprovedCandidate.application_id == SeatAllocation.application_id,
            )
            .join(ExamPlan, ExamPlan.id == SeatAllocation.plan_id)
            .outerjoin(Room, Room.id == SeatAllocation.room_id)
            .outerjoin(Site, Site.id == Room.site_id)
            .outerjoin(
                PlanSite,
                (PlanSite.plan_id == SeatAllocation.plan_id) & (PlanSite.site_id == Site.id),
            )
        )

    async def roster(self, plan_id: UUID) -> list[Placement]:
        """The plan's candidates by site, room and seat; those still waiting last. Released ones
        are left out: they will not sit."""
        query = (
            self._placements()
            .where(
                SeatAllocation.plan_id == plan_id,
                SeatAllocation.status != AllocationStatus.RELEASED,
            )
            .order_by(
                PlanSite.position.nulls_last(),
                Room.number,
                SeatAllocation.seat_number,
                SeatAllocation.created_at,
            )
        )
        return [Placement(*row) for row in (await self.session.execute(query)).tuples()]

    async def tickets_of(self, candidate_id: UUID) -> list[Placement]:
        query = (
            self._placements()
            .where(
                SeatAllocation.candidate_id == candidate_id,
                SeatAllocation.status == AllocationStatus.SCHEDULED,
            )
            .order_by(ExamPlan.exam_starts_at, SeatAllocation.ticket_number)
        )
        return [Placement(*row) for row in (await self.session.execute(query)).tuples()]
