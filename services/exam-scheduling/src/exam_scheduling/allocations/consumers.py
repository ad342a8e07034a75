"""What exam-scheduling does with the events it hears: remember approved candidates and
institutions' registrations (报考), seat the paid ones, and give the seat back when an
application or registration will not sit after all."""

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
    EntryDeleted,
    EntryRegistered,
    OrderPaid,
    OrderRefunded,
)

#: 报考 has no review and no resubmission: the registration is its one and only revision.
ENTRY_REVISION = 1


async def on_application_approved(session: AsyncSession, event: ApplicationApproved) -> None:
    await AllocationService(session).remember_candidate(
        event.application_id,
        event.candidate_id,
        event.plan_id,
        event.candidate_name,
        event.id_number,
        event.revision,
        event.decided_at,
    )


async def on_entry_registered(session: AsyncSession, event: EntryRegistered) -> None:
    """报考: seated once paid like an approved candidate; the roster's checked photo goes on
    the ticket as an application's ID photo does."""
    await AllocationService(session).remember_candidate(
        event.entry_id,
        event.student_id,
        event.plan_id,
        event.student_name,
        event.id_number,
        ENTRY_REVISION,
        event.registered_at,
    )
    if event.photo_key is not None and event.photo_content_type is not None:
        ctx = context(session)
        await TicketService(session, ctx.settings, ctx.storage).keep_photo(
            event.entry_id, event.photo_key, event.photo_content_type, ENTRY_REVISION
        )


async def on_order_paid(session: AsyncSession, event: OrderPaid) -> None:
    await AllocationService(session).allocate(event)


async def on_application_withdrawn(session: AsyncSession, event: ApplicationWithdrawn) -> None:
    await AllocationService(session).release(
        application_id=event.application_id,
        plan_id=event.plan_id,
        reason=ReleaseReason.WITHDRAWN,
        released_at=event.occurred_at,
    )


async def on_entry_deleted(session: AsyncSession, event: EntryDeleted) -> None:
    """删除报考: the institution deleted the registration; its seat, if any, is freed."""
    await AllocationService(session).release(
        application_id=event.entry_id,
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
