from __future__ import annotations

from uuid import UUID

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from scoring.plans.models import PlanSubjectRule, ScoringPlan
from skillcert.events import ExamPlanPublished, ExamPlanWindowsChanged
from skillcert.readmodel import upsert_newer


class PlanRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, plan_id: UUID) -> ScoringPlan | None:
        return await self.session.get(ScoringPlan, plan_id)

    async def many(self, plan_ids: set[UUID]) -> dict[UUID, ScoringPlan]:
        if not plan_ids:
            return {}
        rows = await self.session.execute(
            select(ScoringPlan).where(ScoringPlan.plan_id.in_(plan_ids))
        )
        return {p.plan_id: p for p in rows.scalars()}

    async def subjects(self, plan_id: UUID) -> list[PlanSubjectRule]:
        rows = await self.session.execute(
            select(PlanSubjectRule)
            .where(PlanSubjectRule.plan_id == plan_id)
            .order_by(PlanSubjectRule.position)
        )
        return list(rows.scalars())

    async def subjects_of(self, plan_ids: set[UUID]) -> dict[UUID, list[PlanSubjectRule]]:
        out: dict[UUID, list[PlanSubjectRule]] = {p: [] for p in plan_ids}
        if not plan_ids:
            return out
        rows = await self.session.execute(
            select(PlanSubjectRule)
            .where(PlanSubjectRule.plan_id.in_(plan_ids))
            .order_by(PlanSubjectRule.plan_id, PlanSubjectRule.position)
        )
        for subject in rows.scalars():
            out[subject.plan_id].append(subject)
        return out

    async def move_windows(self, event: ExamPlanWindowsChanged) -> None:
        """Take the plan's new windows unless what is held is newer. A change that overtakes
        the plan's publication is dropped: the publication it follows carries the windows too."""
        await self.session.execute(
            update(ScoringPlan)
            .where(
                ScoringPlan.plan_id == event.plan_id,
                ScoringPlan.published_at <= event.occurred_at,
            )
            .values(
                exam_starts_at=event.exam_starts_at,
                exam_ends_at=event.exam_ends_at,
                scores_open_at=event.scores_open_at,
                scores_close_at=event.scores_close_at,
                publicity_opens_at=event.publicity_opens_at,
                publicity_closes_at=event.publicity_closes_at,
                published_at=event.occurred_at,
            )
            .execution_options(synchronize_session="fetch")
        )
        await self.session.flush()

    async def remember(self, event: ExamPlanPublished) -> None:
        values = {
            "plan_id": event.plan_id,
            "org_id": event.org_id,
            "org_name": event.org_name,
            "title": event.title,
            "occupation_name": event.occupation_name,
            "level": event.level,
            "level_name": event.level_name,
            "exam_starts_at": event.exam_starts_at,
            "exam_ends_at": event.exam_ends_at,
            "scores_open_at": event.scores_open_at,
            "scores_close_at": event.scores_close_at,
            "publicity_opens_at": event.publicity_opens_at,
            "publicity_closes_at": event.publicity_closes_at,
            "result_rule": event.result_rule.model_dump(mode="json"),
            "published_at": event.occurred_at,
        }
        if not await upsert_newer(self.session, ScoringPlan, values):
            return  # a newer version of the plan is already known
        # The published subject list is the whole truth for the plan: replace, don't merge.
        await self.session.execute(
            delete(PlanSubjectRule).where(PlanSubjectRule.plan_id == event.plan_id)
        )
        self.session.add_all(
            PlanSubjectRule(
                plan_id=event.plan_id,
                code=s.code,
                name=s.name,
                method=s.method,
                full_score=s.full_score,
                pass_score=s.pass_score,
                position=i,
            )
            for i, s in enumerate(event.subjects)
        )
        await self.session.flush()
