from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from payment.applications.repository import ApplicationRepository
from skillcert.events import ApplicationApproved, EntryRegistered

#: 报考 has no review and no resubmission: the registration is its one and only revision.
ENTRY_REVISION = 1


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


async def on_entry_registered(session: AsyncSession, event: EntryRegistered) -> None:
    """报考: an institution registered a roster student; payable (待缴费) by the institution's
    payment requests exactly as an approved application of its student, the entry standing
    for the application."""
    await ApplicationRepository(session).approve(
        event.entry_id,
        event.student_id,
        event.plan_id,
        ENTRY_REVISION,
        event.registered_at,
        event.student_name,
        event.id_number,
        event.institution_id,
    )
