"""The plan's windows rule scoring: 登记 (import), 公示 (publicity, never skipped), and the
automatic lock when publicity ends (公示期满自动锁定)."""

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

from sqlalchemy import select

from scoring.scores.jobs import lock_ended_publicity
from scoring.scores.models import CertificateResult, ScoreSheet
from skillcert.auth import Role
from skillcert.clock import format_china

API = "/api/v1/scoring"


async def roster(scoring: Any, plan: Any, *tickets: str) -> None:
    for ticket in tickets:
        await scoring.schedule(plan, ticket)


class TestRegistrationWindow:
    async def test_import_inside_the_window_is_taken(self, scoring: Any):
        plan = await scoring.plan_in("registration")
        await roster(scoring, plan, "T001")
        response = await scoring.import_scores(plan, "S1", [("T001", 80)])
        assert response.status_code == 200, response.text

    async def test_import_before_the_window_names_it_in_china_time(self, scoring: Any):
        plan = await scoring.plan_in("before")
        await roster(scoring, plan, "T001")
        response = await scoring.import_scores(plan, "S1", [("T001", 80)])
        window = f"{format_china(plan.scores_open_at)} 至 {format_china(plan.scores_close_at)}"
        scoring.problem(response, 400)
        assert response.json()["detail"] == f"成绩登记尚未开始，登记时间为 {window}"
        assert await scoring.scores(plan) == {"T001": {}}

    async def test_import_after_the_window_is_refused(self, scoring: Any):
        plan = await scoring.plan_in("registration", scores_close_at=datetime.now(UTC))
        await roster(scoring, plan, "T001")
        response = await scoring.import_scores(plan, "S1", [("T001", 80)])
        scoring.problem(response, 400)
        assert response.json()["detail"].startswith("成绩登记已结束，登记时间为 ")


class TestPublicityWindow:
    async def test_candidates_see_scores_only_once_the_plans_publicity_opens(self, scoring: Any):
        me = uuid4()
        plan = await scoring.plan_in("registration")
        await scoring.schedule(plan, "T001", candidate_id=me)
        await scoring.import_scores(plan, "S1", [("T001", 80)])
        headers = scoring.harness.headers(Role.CANDIDATE, account_id=me)
        [entry] = (await scoring.client.get(f"{API}/results/mine", headers=headers)).json()
        assert (entry["status"], entry["scores"]) == ("open", [])

        # The same scores once the plan's publicity window has opened: nobody starts it.
        opened = plan.model_copy(
            update={
                "event_id": uuid4(),
                "occurred_at": plan.occurred_at + timedelta(minutes=1),
                "publicity_opens_at": datetime.now(UTC) - timedelta(minutes=1),
            }
        )
        await scoring.harness.deliver(opened)
        [entry] = (await scoring.client.get(f"{API}/results/mine", headers=headers)).json()
        assert entry["status"] == "publicity"
        assert [(s["subject_code"], s["score"]) for s in entry["scores"]] == [
            ("S1", 80.0),
            ("S2", None),
        ]

    async def test_the_sheet_shows_the_plans_windows_and_rule(self, scoring: Any):
        plan = await scoring.plan_in("publicity")
        response = await scoring.client.get(f"{API}/plans/{plan.plan_id}", headers=scoring.org)
        sheet = response.json()
        assert sheet["status"] == "publicity"
        assert datetime.fromisoformat(sheet["publicity_ends_at"]) == plan.publicity_closes_at
        assert datetime.fromisoformat(sheet["scores_open_at"]) == plan.scores_open_at
        assert sheet["result_rule"]["kind"] == "each_subject"

    async def test_publicity_cannot_be_started_by_hand(self, scoring: Any):
        plan = await scoring.plan_in("registration")
        response = await scoring.publicity(plan)
        scoring.problem(response, 400)
        assert "到时自动开始" in response.json()["detail"]

    async def test_publicity_cannot_be_skipped_by_locking_early(self, scoring: Any):
        plan = await scoring.plan_in("registration")
        await roster(scoring, plan, "T001")
        response = await scoring.lock(plan)
        scoring.problem(response, 400)
        assert response.json()["detail"].startswith("成绩须先公示，公示期为 ")
        assert await scoring.harness.outbox("scoring.result.determined.v1") == []

    async def test_during_publicity_import_is_refused_and_correction_allowed(self, scoring: Any):
        plan = await scoring.plan_in("publicity")
        await roster(scoring, plan, "T001")
        scoring.problem(await scoring.import_scores(plan, "S1", [("T001", 80)]), 409)
        response = await scoring.correct(plan, ticket_number="T001", subject_code="S1", score=75)
        assert response.status_code == 201, response.text


class TestAutomaticLock:
    async def test_locks_when_publicity_ends_and_announces_each_result_once(self, scoring: Any):
        plan = await scoring.plan_in("ended")
        await roster(scoring, plan, "T001", "T002")
        ctx = scoring.harness.ctx
        assert await lock_ended_publicity(ctx, datetime.now(UTC)) == 1
        assert await lock_ended_publicity(ctx, datetime.now(UTC)) == 0
        assert len(await scoring.harness.outbox("scoring.result.determined.v1")) == 2
        assert await scoring.count(CertificateResult) == 2
        async with ctx.sessionmaker() as session:
            sheet = (await session.execute(select(ScoreSheet))).scalar_one()
        assert (sheet.status, sheet.locked_by) == ("locked", None)
        assert sheet.publicity_ends_at == plan.publicity_closes_at

    async def test_leaves_plans_in_publicity_and_plans_without_windows(self, scoring: Any):
        await roster(scoring, await scoring.plan_in("publicity"), "T001")
        await roster(scoring, await scoring.plan(), "T002")
        assert await lock_ended_publicity(scoring.harness.ctx, datetime.now(UTC)) == 0
        assert await scoring.harness.outbox("scoring.result.determined.v1") == []

    async def test_a_plan_locked_by_hand_is_not_locked_again(self, scoring: Any):
        plan = await scoring.plan_in("ended")
        await roster(scoring, plan, "T001")
        assert (await scoring.lock(plan)).status_code == 200
        assert await lock_ended_publicity(scoring.harness.ctx, datetime.now(UTC)) == 0
        assert len(await scoring.harness.outbox("scoring.result.determined.v1")) == 1
