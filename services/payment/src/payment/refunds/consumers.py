from __future__ import annotations

import logging
from datetime import datetime
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from payment.applications.repository import ApplicationRepository
from payment.plans.repository import PlanRepository
from payment.refunds.models import Refund
from payment.refunds.service import RefundService
from skillcert.clock import utcnow
from skillcert.events import ApplicationWithdrawn, EntryDeleted, ExamPlanCancelled

log = logging.getLogger("payment.refunds")


async def end_payable(
    session: AsyncSession, application_id: UUID, candidate_id: UUID, plan_id: UUID, at: datetime
) -> list[Refund]:
    """An application (or 报考 entry) that will not sit: no new orders; a pending one simply
    expires; a paid fee goes back. The refund job calls the provider."""
    await ApplicationRepository(session).withdraw(application_id, candidate_id, plan_id, at)
    return await RefundService(session).for_withdrawal(application_id, utcnow())


async def on_application_withdrawn(session: AsyncSession, event: ApplicationWithdrawn) -> None:
    """报名撤回 (registration allowed the withdrawal before the plan's deadline)."""
    refunds = await end_payable(
        session, event.application_id, event.candidate_id, event.plan_id, event.occurred_at
    )
    if refunds and not event.paid:
        # Paid while registration had not heard of it yet: the money still goes back.
        log.info("withdrawal of %s refunds a payment not yet seen there", event.application_id)


async def on_entry_deleted(session: AsyncSession, event: EntryDeleted) -> None:
    """删除报考: the institution deleted the registration inside the registration window."""
    refunds = await end_payable(
        session, event.entry_id, event.student_id, event.plan_id, event.occurred_at
    )
    if refunds:
        log.info("deleted entry %s refunds %d payment(s)", event.entry_id, len(refunds))


async def on_plan_cancelled(session: AsyncSession, event: ExamPlanCancelled) -> None:
    """考试计划取消: no new orders for it, and every paid fee of it goes back."""
    await PlanRepository(session).cancel(event.plan_id, event.occurred_at)
    await RefundService(session).for_cancelled_plan(event.plan_id, utcnow())
