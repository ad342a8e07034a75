"""A plan the organisation cancels (exam.plan.cancelled): it leaves the open list, its
unfinished applications end with the reason, and nothing can be done with them any more."""

import asyncio
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

import pytest
from sqlalchemy import func, select

from registration.applications.models import Application, StatusChange
from registration.applications.reactions import Reactions
from registration.applications.service import ApplicationService
from registration.documents.models import Document
from registration.plans.models import ExamPlan
from registration.plans.service import PlanService
from skillcert.bus import RetryLater
from skillcert.events import ExamPlanCancelled
from skillcert.testing import ServiceHarness, assert_problem, eventually
from tests.applications.test_consumers import approved, paid, scheduled, stored
from tests.conftest import (
    API,
    BASIC_INFO,
    Kit,
    jpeg_between,
    plan_event,
    resident_id,
    seed_application,
)

SUBMITTED = "registration.application.submitted.v1"
RESUBMITTED = "registration.application.resubmitted.v1"
WITHDRAWN = "registration.application.withdrawn.v1"
REASON = "考点场地无法使用，本批次考试取消"


def cancelled(plan_id: UUID, reason: str = REASON) -> ExamPlanCancelled:
    return ExamPlanCancelled(plan_id=plan_id, org_id="ORG-DEMO", reason=reason)


def fields(body: dict[str, Any]) -> list[str]:
    return [e["field"] for e in body["errors"]]


async def seed_on_plan(harness: ServiceHarness, plan_id: UUID, status: str) -> Application:
    now = datetime.now(UTC)
    application = Application(
        id=uuid4(),
        candidate_id=uuid4(),
        plan_id=plan_id,
        org_id="ORG-DEMO",
        status=status,
        revision=0 if status == "draft" else 1,
        edited_since_submit=False,
        name="张三",
        id_type="resident_id",
        id_number=resident_id(),
        rejection_reasons=[],
        created_at=now,
        updated_at=now,
    )
    async with harness.ctx.sessionmaker() as session:
        session.add(application)
        await session.commit()
    return application


async def changes(harness: ServiceHarness, application_id: UUID) -> list[StatusChange]:
    async with harness.ctx.sessionmaker() as session:
        query = (
            select(StatusChange)
            .where(StatusChange.application_id == application_id)
            .order_by(StatusChange.at)
        )
        return list((await session.execute(query)).scalars())


async def stored_plan(harness: ServiceHarness, plan_id: UUID) -> ExamPlan:
    async with harness.ctx.sessionmaker() as session:
        plan = await session.get(ExamPlan, plan_id)
        assert plan is not None
        return plan


async def count(harness: ServiceHarness, model: type[Any]) -> int:
    async with harness.ctx.sessionmaker() as session:
        return int((await session.execute(select(func.count()).select_from(model))).scalar_one())


class TestThePlan:
    async def test_leaves_the_open_list(self, kit: Kit, harness: ServiceHarness):
        kept = await kit.open_plan()
        gone = await kit.open_plan()
        await harness.deliver(cancelled(gone.plan_id))
        response = await kit.client.get(f"{API}/plans", headers=kit.candidate())
        assert [i["plan_id"] for i in response.json()["items"]] == [str(kept.plan_id)]
        plan = await stored_plan(harness, gone.plan_id)
        assert plan.cancelled_at is not None and plan.cancel_reason == REASON

    async def test_applying_to_it_is_refused_and_nothing_written(
        self, kit: Kit, harness: ServiceHarness
    ):
        plan = await kit.open_plan()
        await harness.deliver(cancelled(plan.plan_id))
        response = await kit.client.post(
            f"{API}/applications", json={"plan_id": str(plan.plan_id)}, headers=kit.candidate()
        )
        body = assert_problem(response, 400, slug="rule-violation")
        assert fields(body) == ["plan_id"]
        assert body["errors"][0]["message"] == "该考试计划已取消，不能报名"
        assert await count(harness, Application) == 0
        assert await count(harness, StatusChange) == 0

    async def test_a_republication_does_not_reopen_it(self, kit: Kit, harness: ServiceHarness):
        plan = await kit.open_plan()
        await harness.deliver(cancelled(plan.plan_id))
        await harness.deliver(
            plan.model_copy(update={"event_id": uuid4(), "occurred_at": datetime.now(UTC)})
        )
        response = await kit.client.get(f"{API}/plans", headers=kit.candidate())
        assert response.json()["items"] == []

    async def test_a_second_cancellation_keeps_the_first(self, harness: ServiceHarness):
        plan = plan_event()
        await harness.deliver(plan)
        first = cancelled(plan.plan_id)
        await harness.deliver(first)
        await harness.deliver(cancelled(plan.plan_id, reason="另一个原因"))
        stored = await stored_plan(harness, plan.plan_id)
        assert stored.cancel_reason == REASON
        assert stored.cancelled_at == first.occurred_at

    async def test_a_cancellation_before_the_publication_is_retried_not_lost(
        self, harness: ServiceHarness
    ):
        plan = plan_event()
        event = cancelled(plan.plan_id)
        with pytest.raises(RetryLater, match="before its publication"):
            await harness.deliver(event)
        await harness.deliver(plan)
        await harness.deliver(event, attempt=2)  # the bus's retry
        assert (await stored_plan(harness, plan.plan_id)).cancelled_at is not None


class TestItsApplications:
    async def test_every_unfinished_application_ends_with_the_reason(self, harness: ServiceHarness):
        plan = plan_event()
        await harness.deliver(plan)
        unfinished = ["draft", "submitted", "rejected", "approved", "paid", "scheduled"]
        finished = ["withdrawn", "forfeited"]
        seeded = {s: await seed_on_plan(harness, plan.plan_id, s) for s in unfinished + finished}
        other = await seed_application(harness, status="paid")  # another plan's
        await harness.deliver(cancelled(plan.plan_id))
        for status in unfinished:
            application = seeded[status]
            assert (await stored(harness, application.id)).status == "cancelled"
            [change] = await changes(harness, application.id)
            assert (change.from_status, change.to_status) == (status, "cancelled")
            assert change.note == f"考试计划已取消：{REASON}"
        for status in finished:
            assert (await stored(harness, seeded[status].id)).status == status
            assert await changes(harness, seeded[status].id) == []
        assert (await stored(harness, other.id)).status == "paid"

    async def test_same_message_twice_cancels_once(self, harness: ServiceHarness):
        a = await seed_application(harness, status="approved")
        event = cancelled(a.plan_id)
        await harness.deliver(event)
        await harness.deliver(event)
        assert (await stored(harness, a.id)).status == "cancelled"
        assert [c.to_status for c in await changes(harness, a.id)] == ["cancelled"]

    async def test_arrives_over_the_real_broker(self, harness: ServiceHarness):
        a = await seed_application(harness, status="submitted")
        await harness.publish(cancelled(a.plan_id))

        async def status() -> str | None:
            current = (await stored(harness, a.id)).status
            return current if current == "cancelled" else None

        assert await eventually(status) == "cancelled"

    @pytest.mark.parametrize(
        ("start", "make"),
        [("submitted", approved), ("approved", paid), ("paid", scheduled)],
    )
    async def test_late_journey_events_are_dropped_not_retried(
        self, harness: ServiceHarness, start: str, make: Any
    ):
        a = await seed_application(harness, status=start)
        await harness.deliver(cancelled(a.plan_id))
        await harness.deliver(make(a))  # no exception: nothing to retry
        assert (await stored(harness, a.id)).status == "cancelled"
        assert [c.to_status for c in await changes(harness, a.id)] == ["cancelled"]

    async def test_the_candidate_sees_why(self, kit: Kit, harness: ServiceHarness):
        headers, plan, body = await kit.submitted_application()
        await harness.deliver(cancelled(plan.plan_id))
        detail = await kit.get(headers, body["id"])
        assert (detail["status"], detail["status_label"]) == ("cancelled", "考试计划已取消")
        assert detail["plan_cancellation"]["reason"] == REASON
        last = detail["status_history"][-1]
        assert (last["from_status"], last["to_status"]) == ("submitted", "cancelled")
        assert REASON in last["note"]
        mine = await kit.client.get(f"{API}/applications", headers=headers)
        assert mine.json()["items"][0]["status_label"] == "考试计划已取消"


class TestRefusedOnceCancelled:
    async def test_editing_is_refused_and_nothing_written(self, kit: Kit, harness: ServiceHarness):
        headers, plan, body = await kit.submitted_application()
        await harness.deliver(cancelled(plan.plan_id))
        before = await kit.get(headers, body["id"])
        for step, payload in (
            ("basic-info", {**BASIC_INFO, "name": "李四"}),
            ("identity", {"identity": "student"}),
            ("condition", {"condition_code": "L1-B"}),
        ):
            refused = assert_problem(
                await kit.put(headers, body["id"], step, payload), 409, slug="conflict"
            )
            assert fields(refused) == ["status"]
            assert refused["errors"][0]["message"] == "考试计划已取消，报名已终止，不能修改"
        documents_before = await count(harness, Document)
        upload = await kit.client.post(
            f"{API}/applications/{body['id']}/documents",
            json={"kind": "photo", "content_type": "image/jpeg", "size": 50_000},
            headers=headers,
        )
        assert fields(assert_problem(upload, 409, slug="conflict")) == ["status"]
        assert await count(harness, Document) == documents_before
        assert await kit.get(headers, body["id"]) == before  # name, identity, updated_at…
        assert before["basic_info"]["name"] == "张三" and not before["edited_since_submit"]

    async def test_submitting_is_refused_and_nothing_written(
        self, kit: Kit, harness: ServiceHarness
    ):
        headers = kit.candidate()
        plan = await kit.open_plan()
        application = await kit.new_application(headers, plan.plan_id)
        await kit.fill(headers, application["id"])
        confirmed = await kit.upload(headers, application["id"], "photo", jpeg_between(45, 75))
        assert confirmed.status_code == 200, confirmed.text
        await harness.deliver(cancelled(plan.plan_id))
        before = await kit.get(headers, application["id"])
        refused = assert_problem(await kit.submit(headers, application["id"]), 409, slug="conflict")
        assert fields(refused) == ["status"]
        assert refused["errors"][0]["message"] == "考试计划已取消，报名已终止，不能提交"
        assert await kit.get(headers, application["id"]) == before
        assert before["status"] == "cancelled" and before["revision"] == 0
        assert await harness.outbox(SUBMITTED) == []
        assert await harness.outbox(RESUBMITTED) == []

    async def test_withdrawing_is_refused_and_nothing_written(
        self, kit: Kit, harness: ServiceHarness
    ):
        headers, plan, body = await kit.submitted_application()
        await harness.deliver(cancelled(plan.plan_id))
        before = await kit.get(headers, body["id"])
        response = await kit.client.post(
            f"{API}/applications/{body['id']}/withdraw", json={}, headers=headers
        )
        refused = assert_problem(response, 409, slug="conflict")
        assert fields(refused) == ["status"]
        assert await kit.get(headers, body["id"]) == before
        assert await harness.outbox(WITHDRAWN) == []


class TestConcurrentApplication:
    """The plan's lock orders a new application and the cancellation: none slips through."""

    async def test_applying_while_the_cancellation_runs_waits_and_is_refused(
        self, kit: Kit, harness: ServiceHarness
    ):
        plan = await kit.open_plan()
        event = cancelled(plan.plan_id)
        async with harness.ctx.sessionmaker() as session:
            await PlanService(session).cancel(event)  # the consumer, not yet committed
            create = asyncio.create_task(
                kit.client.post(
                    f"{API}/applications",
                    json={"plan_id": str(plan.plan_id)},
                    headers=kit.candidate(),
                )
            )
            await asyncio.sleep(0.3)
            assert not create.done()  # waiting for the plan's lock
            await Reactions(session).cancel_for_plan(plan.plan_id, event.reason)
            await session.commit()
        assert fields(assert_problem(await create, 400, slug="rule-violation")) == ["plan_id"]
        assert await count(harness, Application) == 0

    async def test_an_application_created_just_before_is_cancelled_too(
        self, kit: Kit, harness: ServiceHarness
    ):
        plan = await kit.open_plan()
        async with harness.ctx.sessionmaker() as session:
            application = await ApplicationService(session).create(uuid4(), plan.plan_id)
            cancel = asyncio.create_task(harness.deliver(cancelled(plan.plan_id)))
            await asyncio.sleep(0.3)
            assert not cancel.done()  # waiting for the creating transaction
            await session.commit()
        await cancel
        assert (await stored(harness, application.id)).status == "cancelled"
