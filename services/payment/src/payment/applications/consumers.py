from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from payment.applications.repository import ApplicationRepository
from skillcert.events import ApplicationApproved, ApplicationWithdrawn


async def on_application_approved(session: AsyncSession, event: ApplicationApproved) -> None:
    """审核通过: the candidate may now pay (待缴费)."""
    await ApplicationRepository(session).approve(
        event.application_id, event.candidate_id, event.plan_id, event.revision, event.decided_at
    )


async def on_application_withdrawn(session: AsyncSession, event: ApplicationWithdrawn) -> None:
    """报名撤回: no new orders; a pending one simply expires (refunds are a later feature)."""
    await ApplicationRepository(session).withdraw(
        event.application_id, event.candidate_id, event.plan_id, event.occurred_at
    )
