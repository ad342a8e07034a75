"""The plan read model: exam.plan.published keeps the owner and conditions of each plan."""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession

from review.plans.models import ReviewPlan
from review.plans.repository import PlanRepository
from skillcert.events import ExamPlanPublished

log = logging.getLogger("review.plans")


async def on_plan_published(session: AsyncSession, event: ExamPlanPublished) -> None:
    repo = PlanRepository(session)
    conditions = [c.model_dump(mode="json") for c in event.conditions]
    plan = await repo.get(event.plan_id)
    if plan is None:
        repo.add(
            ReviewPlan(
                plan_id=event.plan_id,
                org_id=event.org_id,
                org_name=event.org_name,
                title=event.title,
                level=event.level,
                conditions=conditions,
                published_at=event.occurred_at,
            )
        )
    elif event.occurred_at >= plan.published_at:
        plan.org_id, plan.org_name, plan.title = event.org_id, event.org_name, event.title
        plan.level, plan.conditions, plan.published_at = event.level, conditions, event.occurred_at
    else:
        # A republication overtaken by a newer one must not roll the plan back.
        log.info("older publication of plan %s ignored", event.plan_id)
    await session.flush()
