"""ExamPlanPublished keeps the plan's fee (the order amount comes from here)."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

from sqlalchemy import select

from payment.plans.models import PlanFee
from skillcert.testing import ServiceHarness, eventually
from tests.support import plan_published


async def plans(harness: ServiceHarness) -> list[PlanFee]:
    async with harness.ctx.sessionmaker() as session:
        return list((await session.execute(select(PlanFee))).scalars())


class TestPlanPublished:
    async def test_same_event_twice_keeps_one_plan(self, harness: ServiceHarness):
        event = plan_published(fee_fen=15000)
        await harness.deliver(event)
        await harness.deliver(event)
        [plan] = await plans(harness)
        assert (plan.plan_id, plan.fee_fen, plan.org_id) == (event.plan_id, 15000, "ORG-DEMO")
        assert plan.title == event.title

    async def test_republication_updates_the_fee(self, harness: ServiceHarness):
        first = plan_published(fee_fen=15000)
        await harness.deliver(first)
        update = first.model_copy(
            update={
                "event_id": uuid4(),
                "occurred_at": first.occurred_at + timedelta(minutes=1),
                "fee_fen": 18000,
            }
        )
        await harness.deliver(update)
        # The first publication again, as a different message arriving late.
        await harness.deliver(first.model_copy(update={"event_id": uuid4()}))
        [plan] = await plans(harness)
        assert plan.fee_fen == 18000  # the late, older publication did not win

    async def test_arrives_through_the_broker(self, harness: ServiceHarness):
        event = plan_published()
        await harness.publish(event)

        async def stored():  # type: ignore[no-untyped-def]
            return await plans(harness)

        [plan] = await eventually(stored)
        assert plan.plan_id == event.plan_id
