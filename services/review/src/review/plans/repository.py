from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from review.plans.models import ReviewPlan


class PlanRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, plan_id: UUID) -> ReviewPlan | None:
        return await self.session.get(ReviewPlan, plan_id)

    async def by_ids(self, plan_ids: Iterable[UUID]) -> dict[UUID, ReviewPlan]:
        ids = set(plan_ids)
        if not ids:
            return {}
        rows = await self.session.execute(select(ReviewPlan).where(ReviewPlan.plan_id.in_(ids)))
        return {plan.plan_id: plan for plan in rows.scalars()}

    def add(self, plan: ReviewPlan) -> None:
        self.session.add(plan)
