"""exam.plan.published keeps the plan read model: subjects with full and pass scores."""

from datetime import timedelta
from decimal import Decimal
from typing import Any
from uuid import uuid4

from sqlalchemy import select

from scoring.plans.models import PlanSubjectRule, ScoringPlan
from skillcert.events import PlanSubject
from skillcert.testing import eventually


async def subjects(scoring: Any) -> list[tuple[str, Decimal, Decimal]]:
    async with scoring.harness.ctx.sessionmaker() as session:
        rows = await session.execute(select(PlanSubjectRule).order_by(PlanSubjectRule.position))
        return [(s.code, s.full_score, s.pass_score) for s in rows.scalars()]


class TestExamPlanPublished:
    async def test_same_event_twice_keeps_one_plan(self, scoring: Any):
        plan = await scoring.plan(subjects=[("S1", 100, 60), ("P1", 50, 30)])
        await scoring.harness.deliver(plan)
        assert await scoring.count(ScoringPlan) == 1
        assert await subjects(scoring) == [
            ("S1", Decimal("100"), Decimal("60")),
            ("P1", Decimal("50"), Decimal("30")),
        ]

    async def test_republished_plan_replaces_its_subjects(self, scoring: Any):
        plan = await scoring.plan()
        newer = plan.model_copy(
            update={
                "event_id": uuid4(),
                "occurred_at": plan.occurred_at + timedelta(minutes=5),
                "subjects": [PlanSubject(code="S9", name="综合", method="written")],
            }
        )
        await scoring.harness.deliver(newer)
        assert await subjects(scoring) == [("S9", Decimal("100"), Decimal("60"))]

    async def test_an_older_version_arriving_late_is_ignored(self, scoring: Any):
        plan = await scoring.plan()
        older = plan.model_copy(
            update={
                "event_id": uuid4(),
                "occurred_at": plan.occurred_at - timedelta(minutes=5),
                "title": "旧标题",
                "subjects": [],
            }
        )
        await scoring.harness.deliver(older)
        async with scoring.harness.ctx.sessionmaker() as session:
            stored = await session.get(ScoringPlan, plan.plan_id)
        assert stored is not None and stored.title == plan.title
        assert len(await subjects(scoring)) == 2

    async def test_arrives_through_the_broker(self, scoring: Any):
        plan = await scoring.plan()
        await scoring.harness.reset()
        await scoring.harness.publish(plan)

        async def stored() -> int:
            return await scoring.count(ScoringPlan)

        assert await eventually(stored) == 1
