from sqlalchemy.ext.asyncio import AsyncSession

from scoring.plans.repository import PlanRepository
from skillcert.events import ExamPlanPublished, ExamPlanWindowsChanged


async def on_plan_published(session: AsyncSession, event: ExamPlanPublished) -> None:
    await PlanRepository(session).remember(event)


async def on_windows_changed(session: AsyncSession, event: ExamPlanWindowsChanged) -> None:
    await PlanRepository(session).move_windows(event)
