from sqlalchemy.ext.asyncio import AsyncSession

from certificate.plans.repository import PlanRepository
from skillcert.events import ExamPlanPublished


async def on_plan_published(session: AsyncSession, event: ExamPlanPublished) -> None:
    await PlanRepository(session).remember(
        {
            "plan_id": event.plan_id,
            "org_id": event.org_id,
            "org_name": event.org_name,
            "title": event.title,
            "occupation_code": event.occupation_code,
            "occupation_name": event.occupation_name,
            "level": event.level,
            "level_name": event.level_name,
            "published_at": event.occurred_at,
        }
    )
