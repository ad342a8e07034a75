from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from payment.applications.repository import ApplicationRepository
from payment.plans.repository import PlanRepository
from payment.refunds.service import RefundService
from skillcert.clock import utcnow
from skillcert.events import ApplicationWithdrawn, ExamPlanCancelled


async def on_application_withdrawn(session: AsyncSession, event: ApplicationWithdrawn) -> None:
    """报名撤回: no new orders; a pending one simply expires; a paid fee is refunded when the
    withdrawal came before the registration deadline. The refund job calls the provider."""
    await ApplicationRepository(session).withdraw(
        event.application_id, event.candidate_id, event.plan_id, event.occurred_at
    )
    # The deadline is judged by when the candidate withdrew, not when the message arrived.
    await RefundService(session).for_withdrawal(event.application_id, event.occurred_at, utcnow())


async def on_plan_cancelled(session: AsyncSession, event: ExamPlanCancelled) -> None:
    """考试计划取消: no new orders for it, and every paid fee of it goes back."""
    await PlanRepository(session).cancel(event.plan_id, event.occurred_at)
    await RefundService(session).for_cancelled_plan(event.plan_id, utcnow())
