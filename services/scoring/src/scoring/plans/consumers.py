from sqlalchemy.ext.asyncio import AsyncSession

from scoring.plans.repository import PlanRepository
from skillcert.events import ExamPlanPublished


async def on_plan_published(session: AsyncSession, event: ExamPlanPublished) -> None:
    await PlanRepository(session).remember(event)
