"""Cancelling a published plan (取消考试计划): the state machine, ownership, the exam-start
deadline, and the event payment and registration act on."""

from typing import Any

import pytest
from sqlalchemy import select

from exam_scheduling.allocations.models import SeatAllocation
from exam_scheduling.plans.models import ExamPlan
from skillcert.auth import Role
from skillcert.events import ExamPlanCancelled
from skillcert.testing import ServiceHarness, assert_problem

from ..factories import (
    API,
    ORG,
    approved,
    count,
    create_plan,
    create_site,
    future_windows,
    org_admin,
    paid,
)

CANCELLED = "exam.plan.cancelled.v1"
REASON = {"reason": "考点场地临时不可用，本次认定取消"}


async def published_plan(harness: ServiceHarness, **overrides: Any) -> dict:
    plan = await create_plan(harness, **{**future_windows(), **overrides})
    response = await harness.client.post(
        f"{API}/plans/{plan['id']}/publish", headers=org_admin(harness)
    )
    assert response.status_code == 200, response.text
    return response.json()


async def status_of(harness: ServiceHarness, plan_id: str) -> str:
    async with harness.ctx.sessionmaker() as session:
        plan = await session.scalar(select(ExamPlan).where(ExamPlan.id == plan_id))
        assert plan is not None
        return plan.status


class TestCancelPlan:
    async def test_cancels_and_records_the_event(self, harness: ServiceHarness):
        plan = await published_plan(harness)
        response = await harness.client.post(
            f"{API}/plans/{plan['id']}/cancel", json=REASON, headers=org_admin(harness)
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["status"] == "cancelled"
        assert body["cancel_reason"] == REASON["reason"] and body["cancelled_at"] is not None
        [event] = await harness.outbox(CANCELLED)
        assert isinstance(event, ExamPlanCancelled)
        assert (str(event.plan_id), event.org_id, event.reason) == (
            plan["id"],
            ORG,
            REASON["reason"],
        )
        # Candidates can still open it and see that it was cancelled, but it is not listed.
        candidate = harness.headers(Role.CANDIDATE)
        shown = await harness.client.get(f"{API}/plans/{plan['id']}", headers=candidate)
        assert shown.status_code == 200 and shown.json()["status"] == "cancelled"
        listed = await harness.client.get(f"{API}/plans", headers=candidate)
        assert listed.json()["items"] == []

    async def test_cancelling_twice_is_409_and_one_event(self, harness: ServiceHarness):
        plan = await published_plan(harness)
        url = f"{API}/plans/{plan['id']}/cancel"
        await harness.client.post(url, json=REASON, headers=org_admin(harness))
        again = await harness.client.post(url, json=REASON, headers=org_admin(harness))
        assert_problem(again, 409, slug="conflict")
        assert len(await harness.outbox(CANCELLED)) == 1

    async def test_a_draft_is_not_cancelled(self, harness: ServiceHarness):
        plan = await create_plan(harness, **future_windows())
        response = await harness.client.post(
            f"{API}/plans/{plan['id']}/cancel", json=REASON, headers=org_admin(harness)
        )
        assert_problem(response, 409, slug="conflict")
        assert await status_of(harness, plan["id"]) == "draft"
        assert await harness.outbox(CANCELLED) == []

    async def test_another_organisations_plan_is_404(self, harness: ServiceHarness):
        plan = await published_plan(harness)
        response = await harness.client.post(
            f"{API}/plans/{plan['id']}/cancel",
            json=REASON,
            headers=org_admin(harness, "ORG-OTHER"),
        )
        assert_problem(response, 404, slug="not-found")
        assert await status_of(harness, plan["id"]) == "published"
        assert await harness.outbox(CANCELLED) == []

    async def test_unknown_plan_is_404(self, harness: ServiceHarness):
        response = await harness.client.post(
            f"{API}/plans/00000000-0000-0000-0000-000000000001/cancel",
            json=REASON,
            headers=org_admin(harness),
        )
        assert_problem(response, 404, slug="not-found")

    async def test_after_the_exam_started_is_400(self, harness: ServiceHarness):
        # The factory's windows lie in the past: the exam of 2026-05-16 has started.
        plan = await create_plan(harness)
        await harness.client.post(f"{API}/plans/{plan['id']}/publish", headers=org_admin(harness))
        response = await harness.client.post(
            f"{API}/plans/{plan['id']}/cancel", json=REASON, headers=org_admin(harness)
        )
        assert "考试已开始" in assert_problem(response, 400, slug="rule-violation")["detail"]
        assert await status_of(harness, plan["id"]) == "published"
        assert await harness.outbox(CANCELLED) == []

    @pytest.mark.parametrize(
        ("body", "field"),
        [({}, "reason"), ({"reason": "   "}, "reason"), ({"reason": "x" * 201}, "reason")],
    )
    async def test_bad_reason_is_422_naming_it_and_changes_nothing(
        self, harness: ServiceHarness, body: dict, field: str
    ):
        plan = await published_plan(harness)
        response = await harness.client.post(
            f"{API}/plans/{plan['id']}/cancel", json=body, headers=org_admin(harness)
        )
        assert_problem(response, 422, field)
        assert await status_of(harness, plan["id"]) == "published"
        assert await harness.outbox(CANCELLED) == []

    @pytest.mark.parametrize("role", [Role.CANDIDATE, Role.INSTITUTION_ADMIN, Role.REVIEWER])
    async def test_only_org_admins_cancel(self, harness: ServiceHarness, role: Role):
        plan = await published_plan(harness)
        response = await harness.client.post(
            f"{API}/plans/{plan['id']}/cancel",
            json=REASON,
            headers=harness.headers(role, org_id=ORG),
        )
        assert_problem(response, 403, slug="forbidden")
        assert await status_of(harness, plan["id"]) == "published"


class TestCancelledPlanSeatsNobody:
    async def test_a_late_payment_is_not_seated(self, harness: ServiceHarness):
        plan = await published_plan(harness)
        site = await create_site(harness, rooms=(30,), plan=plan)
        await harness.client.post(
            f"{API}/plans/{plan['id']}/sites",
            json={"site_ids": [site["id"]]},
            headers=org_admin(harness),
        )
        await harness.client.post(
            f"{API}/plans/{plan['id']}/cancel", json=REASON, headers=org_admin(harness)
        )
        approval = approved(plan["id"])
        await harness.deliver(approval)
        await harness.deliver(paid(approval))
        assert await count(harness, SeatAllocation) == 0
        assert await harness.outbox("exam.candidate.scheduled.v1") == []

    async def test_scheduling_waiting_candidates_is_400(self, harness: ServiceHarness):
        plan = await published_plan(harness)
        await harness.client.post(
            f"{API}/plans/{plan['id']}/cancel", json=REASON, headers=org_admin(harness)
        )
        response = await harness.client.post(
            f"{API}/plans/{plan['id']}/allocations/schedule", headers=org_admin(harness)
        )
        assert_problem(response, 400, slug="rule-violation")
