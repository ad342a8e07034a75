from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from registration.plans.models import ExamPlan
from skillcert.paging import Keyset, Slice

CLOSING_FIRST = Keyset(ExamPlan.registration_closes_at, ExamPlan.plan_id)


class PlanRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, plan_id: UUID) -> ExamPlan | None:
        return await self.session.get(ExamPlan, plan_id)

    async def locked(self, plan_id: UUID, *, exclusive: bool) -> ExamPlan | None:
        """The plan, locked against cancellation. A new application takes the shared key lock
        (many at once, the same lock its foreign key takes anyway); the cancellation takes the
        exclusive one, so an application is either created before it, and then cancelled by
        it, or sees the plan cancelled."""
        query = select(ExamPlan).where(ExamPlan.plan_id == plan_id)
        query = (
            query.with_for_update()
            if exclusive
            else query.with_for_update(read=True, key_share=True)
        )
        query = query.execution_options(populate_existing=True)
        return (await self.session.execute(query)).scalar_one_or_none()

    def add(self, plan: ExamPlan) -> None:
        self.session.add(plan)

    async def open_page(
        self,
        now: datetime,
        occupation_code: str | None,
        level: int | None,
        cursor: str | None,
        limit: int,
    ) -> Slice[ExamPlan]:
        """Plans not cancelled whose registration window is open at `now`, closing soonest
        first."""
        query = select(ExamPlan).where(
            ExamPlan.registration_opens_at <= now,
            ExamPlan.registration_closes_at > now,
            ExamPlan.cancelled_at.is_(None),
        )
        if occupation_code is not None:
            query = query.where(ExamPlan.occupation_code == occupation_code)
        if level is not None:
            query = query.where(ExamPlan.level == level)
        return await CLOSING_FIRST.fetch(self.session, query, cursor, limit)

    async def many(self, plan_ids: set[UUID]) -> dict[UUID, ExamPlan]:
        if not plan_ids:
            return {}
        query = select(ExamPlan).where(ExamPlan.plan_id.in_(plan_ids))
        return {p.plan_id: p for p in (await self.session.execute(query)).scalars()}
