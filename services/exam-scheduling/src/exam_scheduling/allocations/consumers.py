"""What exam-scheduling does with the events it hears: remember approved candidates, seat the
paid ones, and give the seat back when an application will not sit after all."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from exam_scheduling.allocations.rules import ReleaseReason
from exam_scheduling.allocations.service import AllocationService
from exam_scheduling.context import context
from exam_scheduling.tickets.service import TicketService
from skillcert.events import (
    ApplicationApproved,
    ApplicationForfeited,
    ApplicationWithdrawn,
    OrderPaid,
    OrderRefunded,
)


async def on_application_approved(session: AsyncSession, event: ApplicationApproved) -> None:
    await AllocationService(session).remember_candidate(event)
    # An institution's 报考 brings the roster photo here (no submission carries it).
    ctx = context(session)
    await TicketService(session, ctx.settings, ctx.storage).remember_approved_photo(event)


async def on_order_paid(session: AsyncSession, event: OrderPaid) -> None:
    await AllocationService(session).allocate(event)


async def on_application_withdrawn(session: AsyncSession, event: ApplicationWithdrawn) -> None:
    await AllocationService(session).release(
        application_id=event.application_id,
        plan_id=event.plan_id,
        reason=ReleaseReason.WITHDRAWN,
        released_at=event.occurred_at,
    )


async def on_application_forfeited(session: AsyncSession, event: ApplicationForfeited) -> None:
    await AllocationService(session).release(
        application_id=event.application_id,
        plan_id=event.plan_id,
        reason=ReleaseReason.FORFEITED,
        released_at=event.occurred_at,
    )


async def on_order_refunded(session: AsyncSession, event: OrderRefunded) -> None:
    await AllocationService(session).release(
        application_id=event.application_id,
        plan_id=event.plan_id,
        reason=ReleaseReason.REFUNDED,
        released_at=event.refunded_at,
        order_id=event.order_id,
    )
