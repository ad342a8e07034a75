from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from exam_scheduling.allocations.models import ApprovedCandidate, SeatAllocation
from exam_scheduling.allocations.rules import AllocationStatus
from exam_scheduling.plans.models import ExamPlan, PlanSubject
from exam_scheduling.sites.models import Room, Site
from exam_scheduling.tickets.models import CandidatePhoto, TicketSigningKey
from skillcert.readmodel import upsert_newer


@dataclass(frozen=True)
class Seated:
    """A scheduled candidate with the plan, site and room of the seat."""

    allocation: SeatAllocation
    candidate: ApprovedCandidate
    plan: ExamPlan
    site: Site
    room: Room


class TicketRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def _seated(self) -> Select[tuple[SeatAllocation, ApprovedCandidate, ExamPlan, Site, Room]]:
        return (
            select(SeatAllocation, ApprovedCandidate, ExamPlan, Site, Room)
            .join(
                ApprovedCandidate,
                ApprovedCandidate.application_id == SeatAllocation.application_id,
            )
            .join(ExamPlan, ExamPlan.id == SeatAllocation.plan_id)
            .join(Room, Room.id == SeatAllocation.room_id)
            .join(Site, Site.id == Room.site_id)
            .where(SeatAllocation.status == AllocationStatus.SCHEDULED)
        )

    async def _all(self, query: Select[Any]) -> list[Seated]:
        return [Seated(*row) for row in (await self.session.execute(query)).tuples()]

    async def by_ticket(self, ticket_number: str) -> Seated | None:
        rows = await self._all(self._seated().where(SeatAllocation.ticket_number == ticket_number))
        return rows[0] if rows else None

    async def in_room(self, room_id: UUID, plan_id: UUID | None) -> list[Seated]:
        query = self._seated().where(SeatAllocation.room_id == room_id)
        if plan_id is not None:
            query = query.where(SeatAllocation.plan_id == plan_id)
        return await self._all(
            query.order_by(ExamPlan.exam_starts_at, ExamPlan.serial, SeatAllocation.seat_number)
        )

    async def at_site(self, site_id: UUID, plan_id: UUID | None) -> list[Seated]:
        query = self._seated().where(Room.site_id == site_id)
        if plan_id is not None:
            query = query.where(SeatAllocation.plan_id == plan_id)
        return await self._all(
            query.order_by(
                ExamPlan.exam_starts_at, ExamPlan.serial, Room.number, SeatAllocation.seat_number
            )
        )

    async def site(self, site_id: UUID) -> Site | None:
        return await self.session.get(Site, site_id)

    async def room(self, room_id: UUID) -> tuple[Room, Site] | None:
        row = (
            await self.session.execute(
                select(Room, Site).join(Site, Site.id == Room.site_id).where(Room.id == room_id)
            )
        ).first()
        return (row[0], row[1]) if row else None

    async def rooms_of(self, site_id: UUID) -> list[Room]:
        query = select(Room).where(Room.site_id == site_id).order_by(Room.number)
        return list((await self.session.execute(query)).scalars())

    async def subjects(self, plan_ids: set[UUID]) -> dict[UUID, list[PlanSubject]]:
        query = (
            select(PlanSubject)
            .where(PlanSubject.plan_id.in_(plan_ids))
            .order_by(PlanSubject.plan_id, PlanSubject.position)
        )
        found: dict[UUID, list[PlanSubject]] = {plan_id: [] for plan_id in plan_ids}
        for subject in (await self.session.execute(query)).scalars():
            found[subject.plan_id].append(subject)
        return found

    async def photo(self, application_id: UUID) -> CandidatePhoto | None:
        return await self.session.get(CandidatePhoto, application_id)

    async def remember_photo(self, values: dict[str, Any]) -> bool:
        """A resubmission replaces the photo kept; an older revision arriving late does not."""
        return await upsert_newer(self.session, CandidatePhoto, values, version="revision")

    async def signing_key(self) -> TicketSigningKey | None:
        query = select(TicketSigningKey).order_by(TicketSigningKey.created_at.desc()).limit(1)
        return (await self.session.execute(query)).scalar_one_or_none()

    def add(self, row: TicketSigningKey) -> None:
        self.session.add(row)
