"""Seat allocation (排考) and admission tickets (准考证)."""

from __future__ import annotations

import logging
from datetime import datetime
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from exam_scheduling.allocations.models import (
    ApplicationRelease,
    ApprovedCandidate,
    SeatAllocation,
)
from exam_scheduling.allocations.repository import AllocationRepository, Placement, PlanRoom
from exam_scheduling.allocations.rules import (
    CREATED,
    STATES,
    AllocationAction,
    AllocationStatus,
    ReleaseReason,
    blocks_payment,
    first_free_seat,
    ticket_number,
)
from exam_scheduling.allocations.schemas import RosterEntryOut, ScheduleResultOut, TicketOut
from exam_scheduling.plans.models import ExamPlan
from exam_scheduling.plans.repository import PlanRepository
from exam_scheduling.plans.rules import PlanStatus, owns, visible
from skillcert import events
from skillcert.auth import Principal
from skillcert.bus import PermanentFailure, RetryLater
from skillcert.clock import utcnow
from skillcert.errors import Forbidden, NotFound, RuleViolation
from skillcert.outbox import record
from skillcert.pii import mask_id_number

log = logging.getLogger("exam_scheduling.allocations")


class AllocationService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repo = AllocationRepository(session)
        self.plans = PlanRepository(session)

    async def remember_candidate(
        self,
        application_id: UUID,
        candidate_id: UUID,
        plan_id: UUID,
        candidate_name: str,
        id_number: str,
        revision: int,
        approved_at: datetime,
    ) -> None:
        """Who will sit once paid: an approved application (审核通过) or an institution's
        registration (报考, the entry standing for the application)."""
        candidate = await self.repo.candidate(application_id)
        if candidate is None:
            self.repo.add(
                ApprovedCandidate(
                    application_id=application_id,
                    candidate_id=candidate_id,
                    plan_id=plan_id,
                    candidate_name=candidate_name,
                    id_number=id_number,
                    revision=revision,
                    approved_at=approved_at,
                )
            )
        elif revision >= candidate.revision:
            # A later approval (after an edit) carries the corrected name or ID number;
            # an older one arriving late must not undo it.
            candidate.candidate_name = candidate_name
            candidate.id_number = id_number
            candidate.revision = revision
            candidate.approved_at = approved_at
        await self.session.flush()

    async def allocate(self, event: events.OrderPaid) -> SeatAllocation | None:
        """Give a paid candidate the first free seat of the plan, or queue them as waiting;
        nothing for a cancelled plan (payment refunds the fee when it hears of the cancel)."""
        candidate = await self.repo.candidate(event.application_id)
        if candidate is None:
            raise RetryLater(f"application {event.application_id} paid before its approval arrived")
        plan = await self.plans.get(event.plan_id, lock=True)
        if plan is None:
            raise PermanentFailure(f"order {event.order_id} is for unknown plan {event.plan_id}")
        if plan.status == PlanStatus.CANCELLED:
            log.info("plan %s is cancelled; payment %s not seated", plan.id, event.order_id)
            return None
        # Under the plan lock a second payment of the same application sees the first one,
        # and a payment sees a withdrawal, forfeit or refund released before it.
        existing = await self.repo.allocation_for(event.application_id)
        if existing is not None:
            log.info("application %s already allocated; payment ignored", event.application_id)
            return existing
        if blocks_payment(await self.repo.released_orders(event.application_id), event.order_id):
            log.info(
                "application %s released before payment %s arrived; not seated",
                event.application_id,
                event.order_id,
            )
            return None
        allocation = SeatAllocation(
            application_id=event.application_id,
            candidate_id=candidate.candidate_id,
            plan_id=plan.id,
            order_id=event.order_id,
            status=CREATED,
            created_at=utcnow(),
        )
        self.repo.add(allocation)
        rooms = await self.repo.plan_rooms(plan.id)
        taken = await self.repo.taken_seats(plan.id)
        await self._seat(plan, candidate, allocation, rooms, taken)
        await self.session.flush()
        return allocation

    async def schedule_waiting(self, principal: Principal, plan_id: UUID) -> ScheduleResultOut:
        """Seat the plan's waiting candidates, first paid first, after rooms or sites were added."""
        plan = await self._owned(principal, plan_id, lock=True)
        if plan.status == PlanStatus.CANCELLED:
            raise RuleViolation("考试计划已取消，不能安排考场")
        waiting = await self.repo.waiting(plan.id)
        scheduled = await self._seat_waiting(plan, waiting)
        await self.session.flush()
        return ScheduleResultOut(scheduled=scheduled, waiting=len(waiting) - scheduled)

    async def release(
        self,
        *,
        application_id: UUID,
        plan_id: UUID,
        reason: ReleaseReason,
        released_at: datetime,
        order_id: UUID | None = None,
    ) -> SeatAllocation | None:
        """The application will not sit: remember it (so a later payment is not seated), free
        its seat or place in the queue and give the seat to the first candidate waiting.
        `order_id` limits a refund to the allocation that order paid for."""
        # The plan lock orders this against a concurrent payment of the same application:
        # whichever commits second sees the other (allocate takes the same lock).
        plan = await self.plans.get(plan_id, lock=True)
        self.repo.add(
            ApplicationRelease(
                application_id=application_id,
                order_id=order_id,
                reason=reason,
                released_at=released_at,
            )
        )
        allocation = await self.repo.allocation_for(application_id)
        if allocation is None or not STATES.allows(
            AllocationStatus(allocation.status), AllocationAction.RELEASE
        ):
            await self.session.flush()
            return None
        if order_id is not None and allocation.order_id != order_id:
            log.warning(
                "refund of order %s is not the one seating application %s; seat kept",
                order_id,
                application_id,
            )
            await self.session.flush()
            return None
        had_seat = allocation.status == AllocationStatus.SCHEDULED
        allocation.status = STATES.transition(
            AllocationStatus(allocation.status), AllocationAction.RELEASE
        )
        # The seat and its ticket number (which encodes the seat) pass to the next candidate.
        allocation.room_id = None
        allocation.seat_number = None
        allocation.ticket_number = None
        allocation.released_at = released_at
        allocation.release_reason = reason
        # Written before the seat is reused: the unit of work does not order two updates of one
        # table by the unique constraint they would otherwise break.
        await self.session.flush()
        log.info("allocation of application %s released (%s)", application_id, reason)
        if had_seat and plan is not None and plan.status != PlanStatus.CANCELLED:
            await self._seat_waiting(plan, await self.repo.waiting(plan.id))
            await self.session.flush()
        return allocation

    async def roster(self, principal: Principal, plan_id: UUID) -> list[RosterEntryOut]:
        plan = await self._owned(principal, plan_id)
        return [
            RosterEntryOut(
                application_id=p.allocation.application_id,
                candidate_id=p.allocation.candidate_id,
                candidate_name=p.candidate.candidate_name,
                id_number=mask_id_number(p.candidate.id_number) or "",
                status=p.allocation.status,
                ticket_number=p.allocation.ticket_number,
                institution_name=p.site.institution_name if p.site else None,
                site_name=p.site.name if p.site else None,
                room_name=p.room.name if p.room else None,
                seat_number=p.allocation.seat_number,
            )
            for p in await self.repo.roster(plan.id)
        ]

    async def tickets(self, candidate_id: UUID) -> list[TicketOut]:
        return [_ticket(p) for p in await self.repo.tickets_of(candidate_id)]

    async def _seat_waiting(self, plan: ExamPlan, waiting: list[SeatAllocation]) -> int:
        """Seat `waiting` in order until the seats run out; how many got one."""
        rooms = await self.repo.plan_rooms(plan.id)
        taken = await self.repo.taken_seats(plan.id)
        scheduled = 0
        for allocation in waiting:
            candidate = await self.repo.candidate(allocation.application_id)
            if candidate is None or not await self._seat(plan, candidate, allocation, rooms, taken):
                break
            scheduled += 1
        return scheduled

    async def _seat(
        self,
        plan: ExamPlan,
        candidate: ApprovedCandidate,
        allocation: SeatAllocation,
        rooms: list[PlanRoom],
        taken: dict[UUID, set[int]],
    ) -> bool:
        """Put `allocation` on the first free seat (by site, room); False when all are full.
        `taken` is updated so a batch can seat several candidates in one pass."""
        for option in rooms:
            used = taken.setdefault(option.room.id, set())
            seat = first_free_seat(option.room.capacity, used)
            if seat is None:
                continue
            used.add(seat)
            allocation.status = STATES.transition(
                AllocationStatus(allocation.status), AllocationAction.SEAT
            )
            allocation.room_id = option.room.id
            allocation.seat_number = seat
            allocation.ticket_number = ticket_number(
                plan.exam_starts_at, plan.serial, option.site_position, option.room.number, seat
            )
            allocation.scheduled_at = utcnow()
            await record(
                self.session,
                events.CandidateScheduled(
                    application_id=allocation.application_id,
                    candidate_id=allocation.candidate_id,
                    plan_id=plan.id,
                    candidate_name=candidate.candidate_name,
                    id_number=candidate.id_number,
                    ticket_number=allocation.ticket_number,
                    institution_id=option.site.institution_id,
                    institution_name=option.site.institution_name,
                    site_name=option.site.name,
                    room_name=option.room.name,
                    seat_number=seat,
                    exam_starts_at=plan.exam_starts_at,
                ),
            )
            return True
        log.warning("plan %s has no free seat; application waits", plan.id)
        return False

    async def _owned(self, principal: Principal, plan_id: UUID, lock: bool = False) -> ExamPlan:
        plan = await self.plans.get(plan_id, lock=lock)
        if plan is None or not visible(principal, plan.org_id, plan.status):
            raise NotFound("考试计划不存在")
        if not owns(principal, plan.org_id):
            raise Forbidden("只能查看本组织考试计划的考场编排")
        return plan


def _ticket(p: Placement) -> TicketOut:
    assert p.site is not None and p.room is not None and p.allocation.ticket_number
    return TicketOut(
        ticket_number=p.allocation.ticket_number,
        application_id=p.allocation.application_id,
        plan_id=p.plan.id,
        plan_title=p.plan.title,
        occupation_name=p.plan.occupation_name,
        level_name=p.plan.level_name,
        candidate_name=p.candidate.candidate_name,
        id_number=mask_id_number(p.candidate.id_number) or "",
        institution_name=p.site.institution_name,
        site_name=p.site.name,
        site_address=p.site.address,
        room_name=p.room.name,
        seat_number=p.allocation.seat_number or 0,
        exam_starts_at=p.plan.exam_starts_at,
        exam_ends_at=p.plan.exam_ends_at,
    )
