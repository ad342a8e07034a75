"""A plan's five windows (seed 003 §2.2.3: 报考, 排考, 考试, 登记, 公示), in order, published
with the plan and changed later as exam.plan.windows_changed."""

from typing import Any

import pytest
from sqlalchemy import select

from exam_scheduling.plans.models import ExamPlan
from skillcert.auth import Role
from skillcert.events import ExamPlanPublished, ExamPlanWindowsChanged
from skillcert.testing import ServiceHarness, assert_problem

from ..factories import API, create_plan, future_windows, org_admin, plan_payload

# Seed 003's first plan (K202005229994), in China time.
SEED_WINDOWS = {
    "registration_opens_at": "2019-12-08T00:00:00+08:00",
    "registration_closes_at": "2019-12-21T00:00:00+08:00",
    "scheduling_opens_at": "2019-12-15T00:00:00+08:00",
    "scheduling_closes_at": "2019-12-21T00:00:00+08:00",
    "exam_starts_at": "2019-12-21T08:30:00+08:00",
    "exam_ends_at": "2019-12-22T11:30:00+08:00",
    "scores_open_at": "2020-01-21T00:00:00+08:00",
    "scores_close_at": "2020-01-22T23:59:00+08:00",
    "publicity_opens_at": "2020-02-21T00:00:00+08:00",
    "publicity_closes_at": "2020-02-22T23:59:00+08:00",
}


async def stored(harness: ServiceHarness) -> list[ExamPlan]:
    async with harness.ctx.sessionmaker() as session:
        return list((await session.execute(select(ExamPlan))).scalars())


class TestFiveWindows:
    async def test_a_plan_carries_all_five_windows_and_publishes_them(
        self, harness: ServiceHarness
    ):
        plan = await create_plan(harness, **SEED_WINDOWS)
        assert plan["number"].startswith("K") and len(plan["number"]) == 13
        assert plan["scheduling_opens_at"] == "2019-12-14T16:00:00Z"
        assert plan["publicity_closes_at"] == "2020-02-22T15:59:00Z"
        response = await harness.client.post(
            f"{API}/plans/{plan['id']}/publish", headers=org_admin(harness)
        )
        assert response.status_code == 200, response.text
        [event] = await harness.outbox("exam.plan.published.v1")
        assert isinstance(event, ExamPlanPublished)
        assert event.plan_number == plan["number"]
        assert event.scores_close_at is not None
        assert event.scores_close_at.isoformat() == "2020-01-22T15:59:00+00:00"

    async def test_windows_left_out_follow_the_ones_given(self, harness: ServiceHarness):
        plan = await create_plan(harness)
        assert plan["scheduling_opens_at"] == plan["registration_closes_at"]
        assert plan["scheduling_closes_at"] == plan["exam_starts_at"]
        assert plan["scores_open_at"] == plan["exam_ends_at"]
        assert plan["publicity_opens_at"] == plan["scores_close_at"]

    @pytest.mark.parametrize(
        ("overrides", "field", "message"),
        [
            (
                {"scheduling_opens_at": "2019-12-01T00:00:00+08:00"},
                "scheduling_opens_at",
                "排考开始时间不得早于报名开始时间",
            ),
            (
                {"scheduling_closes_at": "2019-12-14T00:00:00+08:00"},
                "scheduling_closes_at",
                "排考结束时间须晚于排考开始时间",
            ),
            (
                {"scheduling_closes_at": "2019-12-20T00:00:00+08:00"},
                "scheduling_closes_at",
                "排考结束时间不得早于报名截止时间",
            ),
            (
                {"scores_open_at": "2019-12-22T10:00:00+08:00"},
                "scores_open_at",
                "成绩登记开始时间不得早于考试结束时间",
            ),
            (
                {"scores_close_at": "2020-01-20T00:00:00+08:00"},
                "scores_close_at",
                "成绩登记结束时间须晚于成绩登记开始时间",
            ),
            (
                {"publicity_opens_at": "2020-01-22T00:00:00+08:00"},
                "publicity_opens_at",
                "公示开始时间不得早于成绩登记结束时间",
            ),
            (
                {"publicity_closes_at": "2020-02-21T00:00:00+08:00"},
                "publicity_closes_at",
                "公示结束时间须晚于公示开始时间",
            ),
        ],
    )
    async def test_a_window_out_of_order_is_named_in_chinese_and_nothing_written(
        self, harness: ServiceHarness, overrides: dict[str, str], field: str, message: str
    ):
        response = await harness.client.post(
            f"{API}/plans",
            json=plan_payload(**{**SEED_WINDOWS, **overrides}),
            headers=org_admin(harness),
        )
        assert_problem(response, 422, field, messages={field: message})
        assert await stored(harness) == []

    async def test_a_default_that_clashes_with_a_window_given_is_named(
        self, harness: ServiceHarness
    ):
        # 排考 given to start after the exam: its default end (the exam) comes before its start.
        windows = {k: v for k, v in SEED_WINDOWS.items() if k != "scheduling_closes_at"}
        response = await harness.client.post(
            f"{API}/plans",
            json=plan_payload(**{**windows, "scheduling_opens_at": "2019-12-23T00:00:00+08:00"}),
            headers=org_admin(harness),
        )
        assert_problem(response, 422, "scheduling_closes_at")


def moved(plan: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    names = [*SEED_WINDOWS, "withdrawal_closes_at"]
    body = {name: plan[name] for name in names}
    body.update(overrides)
    return body


class TestChangeWindows:
    async def test_a_published_plans_change_is_an_event(self, harness: ServiceHarness):
        plan = await create_plan(harness, **future_windows())
        await harness.client.post(f"{API}/plans/{plan['id']}/publish", headers=org_admin(harness))
        later = moved(plan, publicity_closes_at="2099-01-01T00:00:00Z")
        response = await harness.client.put(
            f"{API}/plans/{plan['id']}/windows", json=later, headers=org_admin(harness)
        )
        assert response.status_code == 200, response.text
        assert response.json()["publicity_closes_at"] == "2099-01-01T00:00:00Z"
        [event] = await harness.outbox("exam.plan.windows_changed.v1")
        assert isinstance(event, ExamPlanWindowsChanged)
        assert event.publicity_closes_at.isoformat() == "2099-01-01T00:00:00+00:00"
        assert event.registration_closes_at.isoformat().startswith(
            plan["registration_closes_at"][:19]
        )

    async def test_a_drafts_change_waits_for_its_publication(self, harness: ServiceHarness):
        plan = await create_plan(harness)
        response = await harness.client.put(
            f"{API}/plans/{plan['id']}/windows",
            json=moved(plan, exam_ends_at="2026-05-16T10:30:00+08:00"),
            headers=org_admin(harness),
        )
        assert response.status_code == 200, response.text
        assert await harness.outbox("exam.plan.windows_changed.v1") == []

    async def test_a_change_out_of_order_is_named_and_nothing_changes(
        self, harness: ServiceHarness
    ):
        plan = await create_plan(harness)
        response = await harness.client.put(
            f"{API}/plans/{plan['id']}/windows",
            json=moved(plan, exam_ends_at=plan["exam_starts_at"]),
            headers=org_admin(harness),
        )
        assert_problem(
            response,
            422,
            "exam_ends_at",
            messages={"exam_ends_at": "考试结束时间须晚于考试开始时间"},
        )
        [row] = await stored(harness)
        assert row.exam_ends_at.isoformat().startswith("2026-05-16T03:00:00")

    async def test_a_cancelled_plan_keeps_its_windows(self, harness: ServiceHarness):
        plan = await create_plan(harness, **future_windows())
        await harness.client.post(f"{API}/plans/{plan['id']}/publish", headers=org_admin(harness))
        await harness.client.post(
            f"{API}/plans/{plan['id']}/cancel",
            json={"reason": "场地不可用"},
            headers=org_admin(harness),
        )
        response = await harness.client.put(
            f"{API}/plans/{plan['id']}/windows", json=moved(plan), headers=org_admin(harness)
        )
        assert_problem(response, 409, slug="conflict")

    @pytest.mark.parametrize(
        ("role", "org_id", "status", "slug"),
        [
            (Role.ORG_ADMIN, "ORG-OTHER", 404, "not-found"),
            (Role.INSTITUTION_ADMIN, "INST-DEMO", 403, "forbidden"),
            (Role.CANDIDATE, None, 403, "forbidden"),
            (None, None, 401, "unauthorized"),
        ],
    )
    async def test_only_the_plans_organisation_changes_them(
        self,
        harness: ServiceHarness,
        role: Role | None,
        org_id: str | None,
        status: int,
        slug: str,
    ):
        plan = await create_plan(harness)
        headers = harness.headers(role, org_id=org_id) if role else {}
        response = await harness.client.put(
            f"{API}/plans/{plan['id']}/windows",
            json=moved(plan, exam_ends_at="2026-05-16T10:30:00+08:00"),
            headers=headers,
        )
        assert_problem(response, status, slug=slug)
        [row] = await stored(harness)
        assert row.exam_ends_at.isoformat().startswith("2026-05-16T03:00:00")

    async def test_another_organisation_cannot_change_a_published_plan(
        self, harness: ServiceHarness
    ):
        plan = await create_plan(harness, **future_windows())
        await harness.client.post(f"{API}/plans/{plan['id']}/publish", headers=org_admin(harness))
        response = await harness.client.put(
            f"{API}/plans/{plan['id']}/windows",
            json=moved(plan),
            headers=org_admin(harness, "ORG-OTHER"),
        )
        assert_problem(response, 403, slug="forbidden")
        assert await harness.outbox("exam.plan.windows_changed.v1") == []
