from sqlalchemy.ext.asyncio import AsyncSession

from registration.plans.service import PlanService
from skillcert.events import ExamPlanPublished, ExamPlanWindowsChanged


async def on_plan_published(session: AsyncSession, event: ExamPlanPublished) -> None:
    await PlanService(session).remember(event)


async def on_plan_windows_changed(session: AsyncSession, event: ExamPlanWindowsChanged) -> None:
    await PlanService(session).change_windows(event)
