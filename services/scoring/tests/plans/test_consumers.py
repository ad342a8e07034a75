"""exam.plan.published keeps the plan read model: subjects with full and pass scores."""

from datetime import timedelta
from decimal import Decimal
from typing import Any
from uuid import uuid4

from sqlalchemy import select

from scoring.plans.models import PlanSubjectRule, ScoringPlan
from skillcert.events import (
    ExamPlanPublished,
    ExamPlanWindowsChanged,
    PlanSubject,
    ResultRule,
    SubjectWeight,
)
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


class TestResultRule:
    async def test_the_plans_rule_is_kept_and_an_older_publication_means_each_subject(
        self, scoring: Any
    ):
        rule = ResultRule(
            kind="both",
            weights=[
                SubjectWeight(subject_code="S1", weight=Decimal(40)),
                SubjectWeight(subject_code="S2", weight=Decimal(60)),
            ],
            pass_score=Decimal("60"),
        )
        weighted = await scoring.plan(result_rule=rule)
        plain = await scoring.plan()
        async with scoring.harness.ctx.sessionmaker() as session:
            kept = await session.get(ScoringPlan, weighted.plan_id)
            default = await session.get(ScoringPlan, plain.plan_id)
        assert kept is not None and ResultRule.model_validate(kept.result_rule) == rule
        assert default is not None and default.result_rule["kind"] == "each_subject"


def windows_changed(
    plan: ExamPlanPublished, minutes: int, **windows: Any
) -> ExamPlanWindowsChanged:
    at = plan.exam_ends_at
    values = {
        "registration_opens_at": plan.registration_opens_at,
        "registration_closes_at": plan.registration_closes_at,
        "scheduling_opens_at": plan.registration_closes_at,
        "scheduling_closes_at": plan.exam_starts_at,
        "exam_starts_at": plan.exam_starts_at,
        "exam_ends_at": plan.exam_ends_at,
        "scores_open_at": at,
        "scores_close_at": at + timedelta(days=10),
        "publicity_opens_at": at + timedelta(days=10),
        "publicity_closes_at": at + timedelta(days=17),
        "withdrawal_closes_at": plan.registration_closes_at,
        **windows,
    }
    return ExamPlanWindowsChanged(
        plan_id=plan.plan_id,
        org_id=plan.org_id,
        occurred_at=plan.occurred_at + timedelta(minutes=minutes),
        **values,
    )


class TestWindowsChanged:
    async def test_newer_windows_are_taken_and_redelivery_changes_nothing(self, scoring: Any):
        plan = await scoring.plan()
        change = windows_changed(plan, 5)
        await scoring.harness.deliver(change)
        await scoring.harness.deliver(change)
        async with scoring.harness.ctx.sessionmaker() as session:
            stored = await session.get(ScoringPlan, plan.plan_id)
        assert stored is not None
        assert stored.scores_close_at == change.scores_close_at
        assert stored.publicity_opens_at == change.publicity_opens_at
        assert stored.publicity_closes_at == change.publicity_closes_at
        assert stored.result_rule["kind"] == "each_subject"  # untouched

    async def test_an_older_change_arriving_late_is_ignored(self, scoring: Any):
        plan = await scoring.plan()
        newer = windows_changed(plan, 10)
        older = windows_changed(plan, 5, publicity_closes_at=plan.exam_ends_at + timedelta(days=30))
        await scoring.harness.deliver(newer)
        await scoring.harness.deliver(older)
        async with scoring.harness.ctx.sessionmaker() as session:
            stored = await session.get(ScoringPlan, plan.plan_id)
        assert stored is not None and stored.publicity_closes_at == newer.publicity_closes_at

    async def test_arrives_through_the_broker(self, scoring: Any):
        plan = await scoring.plan()
        change = windows_changed(plan, 5)
        await scoring.harness.publish(change)

        async def moved() -> Any:
            async with scoring.harness.ctx.sessionmaker() as session:
                stored = await session.get(ScoringPlan, plan.plan_id)
            return stored is not None and stored.publicity_opens_at == change.publicity_opens_at

        assert await eventually(moved) is True
