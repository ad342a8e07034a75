from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from review.plans.models import ReviewPlan
from skillcert.readmodel import upsert_newer

#: Read for every submission review receives: built once, where `session.get` built the
#: statement and its cache key on every call.
_BY_ID = select(ReviewPlan).where(ReviewPlan.plan_id == bindparam("b_plan_id"))


class PlanRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, plan_id: UUID) -> ReviewPlan | None:
        result = await self.session.execute(_BY_ID, {"b_plan_id": plan_id})
        return result.scalar_one_or_none()

    async def by_ids(self, plan_ids: Iterable[UUID]) -> dict[UUID, ReviewPlan]:
        ids = set(plan_ids)
        if not ids:
            return {}
        rows = await self.session.execute(select(ReviewPlan).where(ReviewPlan.plan_id.in_(ids)))
        return {plan.plan_id: plan for plan in rows.scalars()}

    def add(self, plan: ReviewPlan) -> None:
        self.session.add(plan)

    async def remember(self, values: dict[str, Any]) -> bool:
        """Keep a publication unless a newer one is kept; False when it was older."""
        return await upsert_newer(self.session, ReviewPlan, values)
