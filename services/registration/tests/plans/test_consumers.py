"""The open-plan read model, kept from exam.plan.published."""

from datetime import timedelta
from uuid import uuid4

from sqlalchemy import func, select

from registration.plans.models import ExamPlan
from skillcert.testing import ServiceHarness, eventually
from tests.conftest import plan_event


async def plans(harness: ServiceHarness) -> list[ExamPlan]:
    async with harness.ctx.sessionmaker() as session:
        return list((await session.execute(select(ExamPlan))).scalars())


class TestExamPlanPublished:
    async def test_same_message_twice_stores_one_plan(self, harness: ServiceHarness):
        event = plan_event()
        await harness.deliver(event)
        await harness.deliver(event)
        stored = await plans(harness)
        assert len(stored) == 1
        assert stored[0].title == event.title
        assert [c["code"] for c in stored[0].conditions] == ["L1-A", "L1-B"]
        assert stored[0].conditions[0]["required_materials"] == ["photo", "application_form"]

    async def test_republication_updates_the_plan(self, harness: ServiceHarness):
        event = plan_event()
        await harness.deliver(event)
        newer = event.model_copy(
            update={
                "event_id": uuid4(),
                "occurred_at": event.occurred_at + timedelta(seconds=1),
                "fee_fen": 42000,
            }
        )
        await harness.deliver(newer)
        assert [p.fee_fen for p in await plans(harness)] == [42000]

    async def test_older_republication_arriving_late_is_ignored(self, harness: ServiceHarness):
        event = plan_event()
        older = event.model_copy(
            update={
                "event_id": uuid4(),
                "occurred_at": event.occurred_at - timedelta(minutes=1),
                "fee_fen": 1,
            }
        )
        await harness.deliver(event)
        await harness.deliver(older)
        assert [p.fee_fen for p in await plans(harness)] == [event.fee_fen]

    async def test_arrives_over_the_real_broker(self, harness: ServiceHarness):
        await harness.publish(plan_event())

        async def stored() -> int:
            async with harness.ctx.sessionmaker() as session:
                query = select(func.count()).select_from(ExamPlan)
                return int((await session.execute(query)).scalar_one())

        assert await eventually(stored) == 1
