from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from exam_scheduling.plans.models import Counter, ExamPlan, PlanSite
from exam_scheduling.plans.rules import PlanStatus
from exam_scheduling.sites.models import Site
from skillcert.paging import Keyset, Slice

PLAN_SERIAL = "plan_serial"
WITH_SUBJECTS = selectinload(ExamPlan.subjects)
NEWEST_FIRST = Keyset(ExamPlan.created_at, ExamPlan.id, descending=True)


class PlanRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, row: ExamPlan | PlanSite) -> None:
        self.session.add(row)

    async def next_serial(self, counter: str = PLAN_SERIAL) -> int:
        """The next value of a named counter (plan serials unless told; subjects have their
        own); the row lock on the counter serialises concurrent creates."""
        dialect = self.session.get_bind().dialect.name
        insert_fn: Any = pg_insert if dialect == "postgresql" else sqlite_insert
        await self.session.execute(
            insert_fn(Counter).values(name=counter, value=0).on_conflict_do_nothing()
        )
        result = await self.session.execute(
            update(Counter)
            .where(Counter.name == counter)
            .values(value=Counter.value + 1)
            .returning(Counter.value)
        )
        return int(result.scalar_one())

    async def get(self, plan_id: UUID, *, lock: bool = False) -> ExamPlan | None:
        query = select(ExamPlan).where(ExamPlan.id == plan_id).options(WITH_SUBJECTS)
        if lock:
            # Serialises publishing, site attachment and seat allocation of one plan.
            query = query.with_for_update()
        return (await self.session.execute(query)).scalar_one_or_none()

    async def page(
        self,
        *,
        org_id: str | None,
        published_only: bool,
        occupation_code: str | None,
        level: int | None,
        cursor: str | None,
        limit: int,
    ) -> Slice[ExamPlan]:
        """Newest first. Staff see their organisation's plans (published or not) and every
        published plan; everyone else only published plans."""
        query = select(ExamPlan).options(WITH_SUBJECTS)
        if published_only or org_id is None:
            query = query.where(ExamPlan.status == PlanStatus.PUBLISHED)
        else:
            query = query.where(
                (ExamPlan.status == PlanStatus.PUBLISHED) | (ExamPlan.org_id == org_id)
            )
        if occupation_code is not None:
            query = query.where(ExamPlan.occupation_code == occupation_code)
        if level is not None:
            query = query.where(ExamPlan.level == level)
        return await NEWEST_FIRST.fetch(self.session, query, cursor, limit)

    async def sites_of(self, plan_ids: list[UUID]) -> list[tuple[PlanSite, Site]]:
        if not plan_ids:
            return []
        query = (
            select(PlanSite, Site)
            .join(Site, Site.id == PlanSite.site_id)
            .where(PlanSite.plan_id.in_(plan_ids))
            .order_by(PlanSite.plan_id, PlanSite.position)
        )
        return [(ps, site) for ps, site in (await self.session.execute(query)).tuples()]

    async def last_site_position(self, plan_id: UUID) -> int:
        query = select(func.coalesce(func.max(PlanSite.position), 0)).where(
            PlanSite.plan_id == plan_id
        )
        return int((await self.session.execute(query)).scalar_one())
