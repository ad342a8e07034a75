"""What review does with registration's events: open, reopen or close the review case."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from review.cases.service import CaseService
from review.config import ReviewSettings
from skillcert.events import (
    ApplicationForfeited,
    ApplicationResubmitted,
    ApplicationSubmitted,
    ApplicationWithdrawn,
    ExamPlanCancelled,
)
from skillcert.service import context_of


def _service(session: AsyncSession) -> CaseService:
    settings = context_of(session).settings
    assert isinstance(settings, ReviewSettings)
    return CaseService(session, settings)


async def on_application_submitted(session: AsyncSession, event: ApplicationSubmitted) -> None:
    await _service(session).receive(event)


async def on_application_resubmitted(session: AsyncSession, event: ApplicationResubmitted) -> None:
    await _service(session).receive(event)


async def on_application_withdrawn(session: AsyncSession, event: ApplicationWithdrawn) -> None:
    await _service(session).withdraw(event)


async def on_application_forfeited(session: AsyncSession, event: ApplicationForfeited) -> None:
    await _service(session).forfeit(event)


async def on_plan_cancelled(session: AsyncSession, event: ExamPlanCancelled) -> None:
    await _service(session).cancel_plan(event)
