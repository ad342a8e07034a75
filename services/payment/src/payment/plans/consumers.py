from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from payment.plans.repository import PlanRepository
from skillcert.events import ExamPlanPublished


async def on_plan_published(session: AsyncSession, event: ExamPlanPublished) -> None:
    """Keep the plan's fee (考试费用) and windows: an order's amount comes from here."""
    await PlanRepository(session).remember(event)
