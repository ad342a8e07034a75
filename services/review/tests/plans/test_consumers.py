"""The plan read model kept from exam.plan.published."""

from datetime import timedelta

from review.plans.models import ReviewPlan
from skillcert.testing import ServiceHarness

from ..factories import count, plan_published


async def plan_row(harness: ServiceHarness, plan_id) -> ReviewPlan:
    async with harness.ctx.sessionmaker() as session:
        plan = await session.get(ReviewPlan, plan_id)
        assert plan is not None
        return plan


class TestExamPlanPublished:
    async def test_keeps_owner_title_and_conditions(self, harness: ServiceHarness):
        event = plan_published()
        await harness.deliver(event)
        plan = await plan_row(harness, event.plan_id)
        assert (plan.org_id, plan.title) == ("ORG-DEMO", event.title)
        assert plan.conditions[0]["code"] == "L2_PLUS_4Y"
        assert plan.conditions[0]["min_years_after_prior"] == 4

    async def test_keeps_occupation_and_mail_in_rule(self, harness: ServiceHarness):
        event = plan_published(requires_mail_in=True)
        await harness.deliver(event)
        plan = await plan_row(harness, event.plan_id)
        assert (plan.occupation_code, plan.occupation_name) == ("4-01-02-02", "电子商务师")
        assert plan.requires_mail_in is True
        assert plan.registration_closes_at == event.registration_closes_at
        assert plan.conditions[0]["related_occupations"] == ["营销员", "互联网营销师"]

    async def test_republication_may_lift_the_mail_in_rule(self, harness: ServiceHarness):
        first = plan_published(requires_mail_in=True)
        newer = plan_published(
            plan_id=first.plan_id,
            requires_mail_in=False,
            occurred_at=first.occurred_at + timedelta(minutes=5),
        )
        await harness.deliver(first)
        await harness.deliver(newer)
        assert (await plan_row(harness, first.plan_id)).requires_mail_in is False

    async def test_same_event_twice_keeps_one_plan(self, harness: ServiceHarness):
        event = plan_published()
        await harness.deliver(event)
        await harness.deliver(event)
        assert await count(harness, ReviewPlan) == 1

    async def test_newer_publication_updates_older_one_does_not(self, harness: ServiceHarness):
        first = plan_published()
        newer = plan_published(
            plan_id=first.plan_id,
            title="更正后的标题",
            occurred_at=first.occurred_at + timedelta(minutes=5),
        )
        older = plan_published(
            plan_id=first.plan_id,
            title="过时的标题",
            occurred_at=first.occurred_at - timedelta(minutes=5),
        )
        await harness.deliver(first)
        await harness.deliver(newer)
        await harness.deliver(older)
        assert (await plan_row(harness, first.plan_id)).title == "更正后的标题"
