from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from payment.applications.repository import ApplicationRepository
from skillcert.events import ApplicationApproved


async def on_application_approved(session: AsyncSession, event: ApplicationApproved) -> None:
    """审核通过: the candidate may now pay (待缴费)."""
    await ApplicationRepository(session).approve(
        event.application_id,
        event.candidate_id,
        event.plan_id,
        event.revision,
        event.decided_at,
        event.candidate_name,
        event.id_number,
        event.institution_id,
    )
