from sqlalchemy.ext.asyncio import AsyncSession

from registration.plans.service import PlanService
from skillcert.events import ExamPlanPublished


async def on_plan_published(session: AsyncSession, event: ExamPlanPublished) -> None:
    await PlanService(session).remember(event)
