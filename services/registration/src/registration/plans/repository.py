from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from registration.plans.models import ExamPlan


class PlanRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, plan_id: UUID) -> ExamPlan | None:
        return await self.session.get(ExamPlan, plan_id)

    def add(self, plan: ExamPlan) -> None:
        self.session.add(plan)

    async def open_page(
        self,
        now: datetime,
        occupation_code: str | None,
        level: int | None,
        after: tuple[datetime, UUID] | None,
        limit: int,
    ) -> list[ExamPlan]:
        """Plans whose registration window is open at `now`, closing soonest first."""
        query = select(ExamPlan).where(
            ExamPlan.registration_opens_at <= now, ExamPlan.registration_closes_at > now
        )
        if occupation_code is not None:
            query = query.where(ExamPlan.occupation_code == occupation_code)
        if level is not None:
            query = query.where(ExamPlan.level == level)
        if after is not None:
            closes_at, plan_id = after
            query = query.where(
                (ExamPlan.registration_closes_at > closes_at)
                | ((ExamPlan.registration_closes_at == closes_at) & (ExamPlan.plan_id > plan_id))
            )
        query = query.order_by(ExamPlan.registration_closes_at, ExamPlan.plan_id).limit(limit)
        return list((await self.session.execute(query)).scalars())

    async def many(self, plan_ids: set[UUID]) -> dict[UUID, ExamPlan]:
        if not plan_ids:
            return {}
        query = select(ExamPlan).where(ExamPlan.plan_id.in_(plan_ids))
        return {p.plan_id: p for p in (await self.session.execute(query)).scalars()}
