"""Consumers against the real database and broker: records from results, the plan read model."""

from datetime import timedelta
from uuid import uuid4

from certificate_testkit import INST, INST_NAME, World
from sqlalchemy import func, select

from certificate.certificates.models import Certificate
from certificate.plans.models import PlanInfo
from skillcert.testing import eventually


async def count_certificates(world: World) -> int:
    async with world.harness.ctx.sessionmaker() as session:
        return int(
            (await session.execute(select(func.count()).select_from(Certificate))).scalar_one()
        )


class TestResultDetermined:
    async def test_pass_creates_a_record_waiting_for_the_head(self, world: World):
        plan = await world.plan()
        event = world.result(plan)
        await world.harness.deliver(event)

        cert = await world.by_application(event.application_id)
        assert cert is not None
        assert cert.status == "pending_head_signature"
        assert (cert.holder_name, cert.id_number) == ("张三丰", event.id_number)
        assert (cert.institution_id, cert.institution_name) == (INST, INST_NAME)
        assert (cert.candidate_id, cert.plan_id) == (event.candidate_id, plan.plan_id)
        assert cert.number is None

    async def test_fail_is_ignored(self, world: World):
        plan = await world.plan()
        await world.harness.deliver(world.result(plan, result="fail"))
        assert await count_certificates(world) == 0

    async def test_same_message_twice_creates_one_record(self, world: World):
        plan = await world.plan()
        event = world.result(plan)
        await world.harness.deliver(event)
        await world.harness.deliver(event)
        assert await count_certificates(world) == 1

    async def test_a_second_result_for_the_same_application_adds_nothing(self, world: World):
        plan = await world.plan()
        first = world.result(plan)
        await world.harness.deliver(first)
        await world.harness.deliver(world.result(plan, application_id=first.application_id))
        assert await count_certificates(world) == 1

    async def test_arrives_through_rabbitmq(self, world: World):
        plan = await world.plan()
        event = world.result(plan)
        await world.harness.publish(event)
        cert = await eventually(lambda: world.by_application(event.application_id))
        assert cert.status == "pending_head_signature"


class TestExamPlanPublished:
    async def test_keeps_names_and_org_and_a_republish_replaces_them(self, world: World):
        plan = await world.plan()
        await world.harness.deliver(plan)  # the same message again changes nothing
        renamed = plan.model_copy(update={"event_id": plan.event_id.__class__(int=1)})
        renamed = renamed.model_copy(update={"org_name": "新名称组织"})
        await world.harness.deliver(renamed)

        async with world.harness.ctx.sessionmaker() as session:
            rows = (await session.execute(select(PlanInfo))).scalars().all()
        assert len(rows) == 1
        assert (rows[0].org_id, rows[0].org_name) == ("ORG-DEMO", "新名称组织")
        assert (rows[0].occupation_name, rows[0].level, rows[0].level_name) == (
            "电子商务师",
            1,
            "一级/高级技师",
        )

    async def test_an_older_publication_arriving_late_does_not_roll_the_plan_back(
        self, world: World
    ):
        plan = await world.plan()
        newer = plan.model_copy(
            update={
                "event_id": uuid4(),
                "occurred_at": plan.occurred_at + timedelta(hours=2),
                "org_name": "更正后的组织名称",
            }
        )
        older = plan.model_copy(
            update={
                "event_id": uuid4(),
                "occurred_at": plan.occurred_at + timedelta(hours=1),
                "org_name": "过时的组织名称",
            }
        )
        await world.harness.deliver(newer)
        await world.harness.deliver(older)

        async with world.harness.ctx.sessionmaker() as session:
            row = (await session.execute(select(PlanInfo))).scalar_one()
        assert row.org_name == "更正后的组织名称"
        assert row.published_at == newer.occurred_at
