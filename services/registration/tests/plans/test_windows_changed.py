"""exam.plan.windows_changed: registration's plan copy takes the new windows, so the window it
enforces is the organisation's latest; redelivery and late older events change nothing."""

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import pytest
from sqlalchemy import select

from registration.applications.models import Application
from registration.plans.models import ExamPlan
from registration.plans.service import PlanService
from skillcert.bus import RetryLater
from skillcert.events import ExamPlanPublished, ExamPlanWindowsChanged
from skillcert.testing import ServiceHarness, assert_problem, eventually
from tests.conftest import API, Kit


def changed(plan: ExamPlanPublished, at: datetime, **overrides: Any) -> ExamPlanWindowsChanged:
    values: dict[str, Any] = {
        "plan_id": plan.plan_id,
        "org_id": plan.org_id,
        "occurred_at": at,
        "registration_opens_at": at - timedelta(days=3),
        "registration_closes_at": at - timedelta(seconds=1),
        "scheduling_opens_at": at - timedelta(seconds=1),
        "scheduling_closes_at": at + timedelta(days=5),
        "exam_starts_at": at + timedelta(days=10),
        "exam_ends_at": at + timedelta(days=10, hours=2),
        "scores_open_at": at + timedelta(days=11),
        "scores_close_at": at + timedelta(days=20),
        "publicity_opens_at": at + timedelta(days=21),
        "publicity_closes_at": at + timedelta(days=30),
        "withdrawal_closes_at": at - timedelta(seconds=1),
    }
    values.update(overrides)
    return ExamPlanWindowsChanged(**values)


async def stored(harness: ServiceHarness) -> list[ExamPlan]:
    async with harness.ctx.sessionmaker() as session:
        return list((await session.execute(select(ExamPlan))).scalars())


class TestWindowsChanged:
    async def test_a_closed_window_refuses_new_applications_and_redelivery_changes_nothing(
        self, kit: Kit, harness: ServiceHarness
    ):
        plan = await kit.open_plan()
        event = changed(plan, datetime.now(UTC))
        await harness.deliver(event)
        await harness.deliver(event)
        [copy] = await stored(harness)
        assert copy.registration_closes_at == event.registration_closes_at
        assert copy.exam_starts_at == event.exam_starts_at
        assert copy.withdrawal_closes_at == event.withdrawal_closes_at
        response = await kit.client.post(
            f"{API}/applications", json={"plan_id": str(plan.plan_id)}, headers=kit.candidate()
        )
        assert_problem(response, 400, slug="rule-violation")
        async with harness.ctx.sessionmaker() as session:
            assert (await session.execute(select(Application))).first() is None

    async def test_an_older_change_or_republication_arriving_late_is_ignored(
        self, kit: Kit, harness: ServiceHarness
    ):
        plan = await kit.open_plan()
        now = datetime.now(UTC)
        await harness.deliver(changed(plan, now))
        older = changed(
            plan, now - timedelta(minutes=1), registration_closes_at=now + timedelta(days=9)
        )
        await harness.deliver(older)
        await harness.deliver(plan.model_copy(update={"event_id": uuid4()}))
        [copy] = await stored(harness)
        assert copy.registration_closes_at == now - timedelta(seconds=1)

    async def test_a_reopened_window_lists_the_plan_again(self, kit: Kit, harness: ServiceHarness):
        plan = await kit.open_plan()
        now = datetime.now(UTC)
        await harness.deliver(changed(plan, now))
        assert (await kit.client.get(f"{API}/plans", headers=kit.candidate())).json()["items"] == []
        await harness.deliver(
            changed(
                plan,
                now + timedelta(seconds=1),
                registration_closes_at=now + timedelta(days=4),
                scheduling_opens_at=now + timedelta(days=4),
                withdrawal_closes_at=now + timedelta(days=4),
            )
        )
        items = (await kit.client.get(f"{API}/plans", headers=kit.candidate())).json()["items"]
        assert [i["plan_id"] for i in items] == [str(plan.plan_id)]

    async def test_a_change_before_the_publication_is_retried(self, harness: ServiceHarness):
        plan = ExamPlanPublished.model_construct(plan_id=uuid4(), org_id="ORG-DEMO")
        async with harness.ctx.sessionmaker() as session:
            with pytest.raises(RetryLater, match="before its publication"):
                await PlanService(session).change_windows(changed(plan, datetime.now(UTC)))

    async def test_an_event_that_never_fits_is_retried_then_dead_lettered(
        self, harness: ServiceHarness
    ):
        # No publication ever comes for this plan: every attempt is retried, then parked.
        plan = ExamPlanPublished.model_construct(plan_id=uuid4(), org_id="ORG-DEMO")
        event = changed(plan, datetime.now(UTC))
        await harness.publish(event)

        async def parked():
            letters = await harness.ctx.bus.dead_letters("registration")
            return [d for d in letters if d.message_id == str(event.event_id)]

        letters = await eventually(parked, timeout_s=15)
        assert letters[0].attempts >= 2
        assert await stored(harness) == []
