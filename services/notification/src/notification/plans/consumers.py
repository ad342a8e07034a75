from sqlalchemy.ext.asyncio import AsyncSession

from notification.plans.repository import PlanTitleRepository
from skillcert.events import ExamPlanPublished


async def on_plan_published(session: AsyncSession, event: ExamPlanPublished) -> None:
    await PlanTitleRepository(session).remember(event.plan_id, event.title, event.occurred_at)
