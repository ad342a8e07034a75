"""What exam-scheduling does with the events it hears: remember approved candidates, seat the
paid ones."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from exam_scheduling.allocations.service import AllocationService
from skillcert.events import ApplicationApproved, OrderPaid


async def on_application_approved(session: AsyncSession, event: ApplicationApproved) -> None:
    await AllocationService(session).remember_candidate(event)


async def on_order_paid(session: AsyncSession, event: OrderPaid) -> None:
    await AllocationService(session).allocate(event)
