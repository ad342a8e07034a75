"""The plan read model: exam.plan.published keeps the owner, occupation, conditions and
mail-in rule of each plan."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from review.plans.repository import PlanRepository
from skillcert.events import ExamPlanPublished

log = logging.getLogger("review.plans")


async def on_plan_published(session: AsyncSession, event: ExamPlanPublished) -> None:
    values: dict[str, Any] = {
        "plan_id": event.plan_id,
        "org_id": event.org_id,
        "org_name": event.org_name,
        "title": event.title,
        "level": event.level,
        "occupation_code": event.occupation_code,
        "occupation_name": event.occupation_name,
        "conditions": [c.model_dump(mode="json") for c in event.conditions],
        "requires_mail_in": event.requires_mail_in,
        "registration_closes_at": event.registration_closes_at,
        "published_at": event.occurred_at,
    }
    if not await PlanRepository(session).remember(values):
        log.info("older publication of plan %s ignored", event.plan_id)
