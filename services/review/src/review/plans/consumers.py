"""The plan read model: exam.plan.published keeps the owner, occupation, conditions and
mail-in rule of each plan."""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession

from review.plans.models import ReviewPlan
from review.plans.repository import PlanRepository
from skillcert.events import ExamPlanPublished

log = logging.getLogger("review.plans")


def _take(plan: ReviewPlan, event: ExamPlanPublished) -> None:
    plan.org_id, plan.org_name, plan.title = event.org_id, event.org_name, event.title
    plan.level = event.level
    plan.occupation_code, plan.occupation_name = event.occupation_code, event.occupation_name
    plan.conditions = [c.model_dump(mode="json") for c in event.conditions]
    plan.requires_mail_in = event.requires_mail_in
    plan.registration_closes_at = event.registration_closes_at
    plan.published_at = event.occurred_at


async def on_plan_published(session: AsyncSession, event: ExamPlanPublished) -> None:
    repo = PlanRepository(session)
    plan = await repo.get(event.plan_id)
    if plan is None:
        plan = ReviewPlan(plan_id=event.plan_id)
        _take(plan, event)
        repo.add(plan)
    elif event.occurred_at >= plan.published_at:
        _take(plan, event)
    else:
        # A republication overtaken by a newer one must not roll the plan back.
        log.info("older publication of plan %s ignored", event.plan_id)
    await session.flush()
