from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession

from payment.applications.repository import ApplicationRepository
from payment.plans.repository import PlanRepository
from payment.refunds.service import RefundService
from skillcert.clock import utcnow
from skillcert.events import ApplicationWithdrawn, ExamPlanCancelled

log = logging.getLogger("payment.refunds")


async def on_application_withdrawn(session: AsyncSession, event: ApplicationWithdrawn) -> None:
    """报名撤回: no new orders; a pending one simply expires; a paid fee goes back (registration
    allowed the withdrawal before the plan's deadline). The refund job calls the provider."""
    await ApplicationRepository(session).withdraw(
        event.application_id, event.candidate_id, event.plan_id, event.occurred_at
    )
    refunds = await RefundService(session).for_withdrawal(event.application_id, utcnow())
    if refunds and not event.paid:
        # Paid while registration had not heard of it yet: the money still goes back.
        log.info("withdrawal of %s refunds a payment not yet seen there", event.application_id)


async def on_plan_cancelled(session: AsyncSession, event: ExamPlanCancelled) -> None:
    """考试计划取消: no new orders for it, and every paid fee of it goes back."""
    await PlanRepository(session).cancel(event.plan_id, event.occurred_at)
    await RefundService(session).for_cancelled_plan(event.plan_id, utcnow())
