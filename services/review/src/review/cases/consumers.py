"""What review does with registration's events: open, reopen or close the review case."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from review.cases.service import CaseService
from review.context import context
from skillcert.events import (
    ApplicationForfeited,
    ApplicationResubmitted,
    ApplicationSubmitted,
    ApplicationWithdrawn,
    ExamPlanCancelled,
)


def _service(session: AsyncSession) -> CaseService:
    return CaseService(session, context(session).settings)


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
