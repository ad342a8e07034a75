"""The scoring API against the real database: import, publicity, corrections, lock, results."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from io import BytesIO
from typing import Any
from uuid import uuid4

import openpyxl
from sqlalchemy import update

from scoring.scores.models import CertificateResult, Score, ScoreChange, ScoreSheet
from skillcert.auth import Role
from skillcert.events import ResultDetermined, ResultRule, SubjectWeight
from skillcert.testing import ServiceHarness

API = "/api/v1/scoring"


async def arrange(scoring: Any, tickets: int = 2) -> Any:
    plan = await scoring.plan()
    for i in range(1, tickets + 1):
        await scoring.schedule(plan, f"T{i:03d}")
    return plan


class TestImportScores:
    async def test_new_scores_are_imported(self, scoring: Any):
        plan = await arrange(scoring)
        response = await scoring.import_scores(plan, "S1", [("T001", 88.5), ("T002", "60")])
        assert response.status_code == 200, response.text
        assert response.json() == {"imported": 2, "updated": 0, "unchanged": 0}
        assert await scoring.scores(plan) == {"T001": {"S1": 88.5}, "T002": {"S1": 60.0}}

    async def test_reimport_replaces_changed_scores_and_audits_them(self, scoring: Any):
        plan = await arrange(scoring)
        await scoring.import_scores(plan, "S1", [("T001", 50), ("T002", 70)])
        response = await scoring.import_scores(plan, "S1", [("T001", 65), ("T002", 70)])
        assert response.json() == {"imported": 0, "updated": 1, "unchanged": 1}
        assert await scoring.scores(plan) == {"T001": {"S1": 65.0}, "T002": {"S1": 70.0}}
        changes = (
            await scoring.client.get(f"{API}/plans/{plan.plan_id}/corrections", headers=scoring.org)
        ).json()
        assert [
            (c["ticket_number"], c["old_score"], c["new_score"], c["source"]) for c in changes
        ] == [("T001", 50.0, 65.0, "import")]

    async def test_unknown_ticket_is_422_and_nothing_is_written(self, scoring: Any):
        plan = await arrange(scoring)
        response = await scoring.import_scores(
            plan, "S1", [("T001", 80), ("T002", 70), ("T999", 90)]
        )
        body = scoring.problem(response, 422, "scores.2.ticket_number")
        assert body["errors"][0]["message"] == "准考证号不在本考试计划的考生名单中"
        assert await scoring.count(Score) == 0

    async def test_score_above_full_score_is_422_and_nothing_is_written(self, scoring: Any):
        plan = await scoring.plan(subjects=[("S1", 100, 60), ("P1", 50, 30)])
        await scoring.schedule(plan, "T001")
        await scoring.schedule(plan, "T002")
        response = await scoring.import_scores(plan, "P1", [("T001", 50), ("T002", 50.5)])
        body = scoring.problem(response, 422, "scores.1.score")
        assert body["errors"][0]["message"] == "成绩不能超过满分 50"
        assert await scoring.count(Score) == 0

    async def test_negative_score_is_422_and_nothing_is_written(self, scoring: Any):
        plan = await arrange(scoring)
        response = await scoring.import_scores(plan, "S1", [("T001", 80), ("T002", -1)])
        scoring.problem(response, 422, "scores.1.score")
        assert await scoring.count(Score) == 0

    async def test_more_than_two_decimals_is_422(self, scoring: Any):
        plan = await arrange(scoring)
        response = await scoring.import_scores(plan, "S1", [("T001", "80.125")])
        body = scoring.problem(response, 422, "scores.0.score")
        assert body["errors"][0]["message"] == "成绩最多保留两位小数"
        assert await scoring.count(Score) == 0

    async def test_non_numeric_score_is_422(self, scoring: Any):
        plan = await arrange(scoring)
        response = await scoring.import_scores(plan, "S1", [("T001", 80), ("T002", "八十")])
        scoring.problem(response, 422, "scores.1.score")
        assert await scoring.count(Score) == 0

    async def test_duplicate_ticket_in_the_batch_is_422_and_nothing_is_written(self, scoring: Any):
        plan = await arrange(scoring)
        response = await scoring.import_scores(
            plan, "S1", [("T001", 80), ("T002", 70), ("T001", 75)]
        )
        body = scoring.problem(response, 422, "scores.2.ticket_number")
        assert "scores.0" in body["errors"][0]["message"]
        assert await scoring.count(Score) == 0

    async def test_every_bad_row_is_reported_at_once(self, scoring: Any):
        plan = await arrange(scoring)
        response = await scoring.import_scores(
            plan, "S1", [("T404", 80), ("T002", 101), ("T002", 70)]
        )
        scoring.problem(
            response, 422, "scores.0.ticket_number", "scores.1.score", "scores.2.ticket_number"
        )
        assert await scoring.count(Score) == 0

    async def test_unknown_subject_is_422_and_nothing_is_written(self, scoring: Any):
        plan = await arrange(scoring)
        response = await scoring.import_scores(plan, "NOPE", [("T001", 80)])
        scoring.problem(response, 422, "path.subject_code")
        assert await scoring.count(Score) == 0

    async def test_empty_batch_is_422(self, scoring: Any):
        plan = await arrange(scoring)
        response = await scoring.import_scores(plan, "S1", [])
        scoring.problem(response, 422, "scores")

    async def test_missing_ticket_number_is_422(self, scoring: Any):
        plan = await arrange(scoring)
        response = await scoring.client.post(
            f"{API}/plans/{plan.plan_id}/subjects/S1/scores",
            json={"scores": [{"score": 80}]},
            headers=scoring.org,
        )
        scoring.problem(response, 422, "scores.0.ticket_number")
        assert await scoring.count(Score) == 0

    async def test_after_lock_is_409_and_nothing_is_written(self, scoring: Any):
        plan = await arrange(scoring)
        assert (await scoring.lock(plan)).status_code == 200
        response = await scoring.import_scores(plan, "S1", [("T001", 80)])
        scoring.problem(response, 409)
        assert await scoring.count(Score) == 0

    async def test_during_publicity_is_409(self, scoring: Any):
        plan = await arrange(scoring)
        await scoring.import_scores(plan, "S1", [("T001", 80)])
        assert (await scoring.publicity(plan)).status_code == 200
        response = await scoring.import_scores(plan, "S1", [("T001", 90)])
        scoring.problem(response, 409)
        assert await scoring.scores(plan) == {"T001": {"S1": 80.0}, "T002": {}}

    async def test_another_organisations_plan_is_404(self, scoring: Any):
        plan = await arrange(scoring)
        other = scoring.harness.headers(Role.ORG_ADMIN, org_id="ORG-OTHER")
        response = await scoring.import_scores(plan, "S1", [("T001", 80)], headers=other)
        scoring.problem(response, 404)
        assert await scoring.count(Score) == 0

    async def test_unknown_plan_is_404(self, scoring: Any):
        response = await scoring.client.post(
            f"{API}/plans/{uuid4()}/subjects/S1/scores",
            json={"scores": [{"ticket_number": "T001", "score": 1}]},
            headers=scoring.org,
        )
        scoring.problem(response, 404)

    async def test_institution_staff_may_not_import(self, scoring: Any):
        plan = await arrange(scoring)
        inst = scoring.harness.headers(Role.INSTITUTION_ADMIN, org_id="INST-DEMO")
        response = await scoring.import_scores(plan, "S1", [("T001", 80)], headers=inst)
        scoring.problem(response, 403)


def workbook(
    *rows: tuple[Any, ...], header: tuple[str, ...] = ("准考证号", "姓名", "成绩")
) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


async def upload(scoring: Any, plan: Any, data: bytes, subject: str = "S1") -> Any:
    return await scoring.client.post(
        f"{API}/plans/{plan.plan_id}/subjects/{subject}/scores/import",
        files={"file": ("成绩.xlsx", data, "application/octet-stream")},
        headers=scoring.org,
    )


class TestImportWorkbook:
    async def test_rows_are_imported_and_blank_rows_skipped(self, scoring: Any):
        plan = await arrange(scoring)
        data = workbook(("T001", "张三", 91), (None, None, None), ("T002", "李四", "59.5"))
        response = await upload(scoring, plan, data)
        assert response.status_code == 200, response.text
        assert response.json() == {"imported": 2, "updated": 0, "unchanged": 0}
        assert await scoring.scores(plan) == {"T001": {"S1": 91.0}, "T002": {"S1": 59.5}}

    async def test_bad_rows_are_reported_by_excel_row_and_nothing_is_written(self, scoring: Any):
        plan = await arrange(scoring)
        data = workbook(("T001", "张三", 80), ("T404", "王五", 70), ("T002", "李四", "缺考"))
        response = await upload(scoring, plan, data)
        scoring.problem(response, 422, "file.rows.4.score")
        data = workbook(("T001", "张三", 80), ("T404", "王五", 70))
        response = await upload(scoring, plan, data)
        scoring.problem(response, 422, "file.rows.3.ticket_number")
        assert await scoring.count(Score) == 0

    async def test_a_file_that_is_not_xlsx_is_422(self, scoring: Any):
        plan = await arrange(scoring)
        response = await upload(scoring, plan, b"ticket,score\nT001,80\n")
        body = scoring.problem(response, 422, "file")
        assert "Excel" in body["errors"][0]["message"]
        assert await scoring.count(Score) == 0

    async def test_missing_score_column_is_422(self, scoring: Any):
        plan = await arrange(scoring)
        response = await upload(scoring, plan, workbook(("T001", 80), header=("准考证号", "分数")))
        scoring.problem(response, 422, "file")
        assert await scoring.count(Score) == 0

    async def test_missing_file_is_422(self, scoring: Any):
        plan = await arrange(scoring)
        response = await scoring.client.post(
            f"{API}/plans/{plan.plan_id}/subjects/S1/scores/import", headers=scoring.org
        )
        scoring.problem(response, 422, "file")


class TestStartPublicity:
    async def test_starts_the_publicity_period(self, scoring: Any):
        plan = await arrange(scoring)
        ends_at = datetime.now(UTC) + timedelta(days=7)
        response = await scoring.publicity(plan, ends_at)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["status"] == "publicity"
        assert datetime.fromisoformat(body["publicity_ends_at"]) == ends_at
        assert body["rostered"] == 2

    async def test_end_in_the_past_is_422_and_the_plan_stays_open(self, scoring: Any):
        plan = await arrange(scoring)
        response = await scoring.publicity(plan, datetime.now(UTC) - timedelta(minutes=1))
        scoring.problem(response, 422, "ends_at")
        sheet = await scoring.client.get(f"{API}/plans/{plan.plan_id}", headers=scoring.org)
        assert sheet.json()["status"] == "open"

    async def test_end_without_time_zone_is_422(self, scoring: Any):
        plan = await arrange(scoring)
        response = await scoring.client.post(
            f"{API}/plans/{plan.plan_id}/publicity",
            json={"ends_at": "2099-01-01T18:00:00"},
            headers=scoring.org,
        )
        scoring.problem(response, 422, "ends_at")

    async def test_starting_twice_is_409(self, scoring: Any):
        plan = await arrange(scoring)
        await scoring.publicity(plan)
        scoring.problem(await scoring.publicity(plan), 409)


class TestCorrections:
    async def test_correction_during_publicity_is_audited(self, scoring: Any):
        plan = await arrange(scoring)
        await scoring.import_scores(plan, "S1", [("T001", 58), ("T002", 70)])
        await scoring.publicity(plan)
        response = await scoring.correct(plan, ticket_number="T001", subject_code="S1", score=62)
        assert response.status_code == 201, response.text
        change = response.json()
        assert (change["old_score"], change["new_score"], change["source"]) == (
            58.0,
            62.0,
            "correction",
        )
        assert change["reason"] == "复核阅卷发现漏计分"
        assert change["changed_by"] == str(scoring.org_admin_id)
        assert change["changed_by_name"] == "王老师"
        assert abs(datetime.fromisoformat(change["changed_at"]) - datetime.now(UTC)) < timedelta(
            minutes=1
        )
        assert (await scoring.scores(plan))["T001"] == {"S1": 62.0}
        trail = (
            await scoring.client.get(f"{API}/plans/{plan.plan_id}/corrections", headers=scoring.org)
        ).json()
        assert [c["id"] for c in trail] == [change["id"]]
        [entry] = await scoring.harness.outbox("audit.recorded.v1")
        assert (entry.kind, entry.action, entry.subject_id, entry.actor_id) == (
            "decision",
            "scoring.score.corrected",
            "T001/S1",
            scoring.org_admin_id,
        )
        assert "复核阅卷发现漏计分" in entry.reason and entry.person_id is not None

    async def test_correction_may_record_a_missing_score(self, scoring: Any):
        plan = await arrange(scoring)
        response = await scoring.correct(plan, ticket_number="T002", subject_code="S2", score=75)
        assert response.status_code == 201, response.text
        assert response.json()["old_score"] is None
        assert (await scoring.scores(plan))["T002"] == {"S2": 75.0}

    async def test_unknown_ticket_and_subject_are_422_and_nothing_is_written(self, scoring: Any):
        plan = await arrange(scoring)
        response = await scoring.correct(plan, ticket_number="T404", subject_code="X", score=1)
        scoring.problem(response, 422, "ticket_number", "subject_code")
        assert await scoring.count(Score) == 0
        assert await scoring.count(ScoreChange) == 0
        assert await scoring.harness.outbox("audit.recorded.v1") == []

    async def test_score_above_full_score_is_422(self, scoring: Any):
        plan = await arrange(scoring)
        response = await scoring.correct(plan, ticket_number="T001", subject_code="S1", score=120)
        scoring.problem(response, 422, "score")
        assert await scoring.count(ScoreChange) == 0

    async def test_unchanged_score_is_422(self, scoring: Any):
        plan = await arrange(scoring)
        await scoring.import_scores(plan, "S1", [("T001", 58)])
        response = await scoring.correct(plan, ticket_number="T001", subject_code="S1", score=58)
        scoring.problem(response, 422, "score")
        assert await scoring.count(ScoreChange) == 0

    async def test_missing_reason_is_422(self, scoring: Any):
        plan = await arrange(scoring)
        await scoring.import_scores(plan, "S1", [("T001", 58)])
        response = await scoring.correct(
            plan, ticket_number="T001", subject_code="S1", score=60, reason=" "
        )
        scoring.problem(response, 422, "reason")
        assert (await scoring.scores(plan))["T001"] == {"S1": 58.0}

    async def test_after_lock_is_409(self, scoring: Any):
        plan = await arrange(scoring)
        await scoring.import_scores(plan, "S1", [("T001", 58)])
        await scoring.lock(plan)
        response = await scoring.correct(plan, ticket_number="T001", subject_code="S1", score=60)
        scoring.problem(response, 409)
        assert await scoring.count(ScoreChange) == 0

    async def test_another_organisations_plan_is_404(self, scoring: Any):
        plan = await arrange(scoring)
        response = await scoring.client.post(
            f"{API}/plans/{plan.plan_id}/corrections",
            json={"ticket_number": "T001", "subject_code": "S1", "score": 60, "reason": "复核"},
            headers=scoring.harness.headers(Role.ORG_ADMIN, org_id="ORG-OTHER"),
        )
        scoring.problem(response, 404)


async def end_publicity_now(harness: ServiceHarness, plan: Any) -> None:
    """The clock moves on: the publicity period of `plan` ended a minute ago."""
    async with harness.ctx.sessionmaker() as session:
        await session.execute(
            update(ScoreSheet)
            .where(ScoreSheet.plan_id == plan.plan_id)
            .values(publicity_ends_at=datetime.now(UTC) - timedelta(minutes=1))
        )
        await session.commit()


class TestLock:
    async def test_determines_pass_and_fail_by_each_subjects_pass_score(self, scoring: Any):
        plan = await scoring.plan(subjects=[("S1", 100, 60), ("P1", 50, 30)])
        passing = await scoring.schedule(plan, "T001")
        below = await scoring.schedule(plan, "T002")
        absent = await scoring.schedule(plan, "T003")
        await scoring.import_scores(plan, "S1", [("T001", 60), ("T002", 95), ("T003", 80)])
        await scoring.import_scores(plan, "P1", [("T001", 30), ("T002", 29.5)])

        response = await scoring.lock(plan)
        assert response.status_code == 200, response.text
        assert response.json()["passed"] == 1 and response.json()["failed"] == 2

        written = await scoring.harness.outbox("scoring.result.determined.v1")
        events = {e.ticket_number: e for e in written if isinstance(e, ResultDetermined)}
        assert set(events) == {"T001", "T002", "T003"}
        first = events["T001"]
        assert isinstance(first, ResultDetermined)
        assert first.result == "pass"
        assert first.application_id == passing.application_id
        assert first.candidate_id == passing.candidate_id
        assert (first.institution_id, first.institution_name) == ("INST-DEMO", "示例职业技术学院")
        assert first.id_number == passing.id_number
        assert [(s.subject_code, s.score, s.passed) for s in first.subject_scores] == [
            ("S1", Decimal("60"), True),
            ("P1", Decimal("30"), True),
        ]
        second = events["T002"]
        assert isinstance(second, ResultDetermined)
        assert second.result == "fail" and second.application_id == below.application_id
        assert [(s.subject_code, s.passed) for s in second.subject_scores] == [
            ("S1", True),
            ("P1", False),
        ]
        third = events["T003"]
        assert isinstance(third, ResultDetermined)
        assert third.result == "fail" and third.application_id == absent.application_id
        assert [s.subject_code for s in third.subject_scores] == ["S1"]
        assert await scoring.count(CertificateResult) == 3

    async def test_applies_the_plans_weighted_rule_seed_40_30_30(self, scoring: Any):
        rule = ResultRule(
            kind="weighted_total",
            weights=[
                SubjectWeight(subject_code="T", weight=Decimal(40)),
                SubjectWeight(subject_code="P", weight=Decimal(30)),
                SubjectWeight(subject_code="Z", weight=Decimal(30)),
            ],
            pass_score=Decimal(60),
        )
        plan = await scoring.plan(
            subjects=[("T", 100, 60), ("P", 100, 60), ("Z", 100, 60)], result_rule=rule
        )
        await scoring.schedule(plan, "T001")
        await scoring.schedule(plan, "T002")
        # T001: 50×.4 + 70×.3 + 70×.3 = 62 passes though T is below 60; T002: 59.9 fails.
        await scoring.import_scores(plan, "T", [("T001", 50), ("T002", 80)])
        await scoring.import_scores(plan, "P", [("T001", 70), ("T002", 50)])
        await scoring.import_scores(plan, "Z", [("T001", 70), ("T002", 43)])
        response = await scoring.lock(plan)
        assert response.status_code == 200, response.text
        written = await scoring.harness.outbox("scoring.result.determined.v1")
        results = {e.ticket_number: e.result for e in written if isinstance(e, ResultDetermined)}
        assert results == {"T001": "pass", "T002": "fail"}

    async def test_locking_twice_is_409_and_announces_results_once(self, scoring: Any):
        plan = await arrange(scoring)
        assert (await scoring.lock(plan)).status_code == 200
        scoring.problem(await scoring.lock(plan), 409)
        assert len(await scoring.harness.outbox("scoring.result.determined.v1")) == 2
        assert await scoring.count(CertificateResult) == 2

    async def test_lock_waits_for_the_publicity_period_to_end(self, scoring: Any):
        plan = await arrange(scoring)
        await scoring.publicity(plan)
        scoring.problem(await scoring.lock(plan), 400)
        assert await scoring.harness.outbox("scoring.result.determined.v1") == []
        await end_publicity_now(scoring.harness, plan)
        response = await scoring.lock(plan)
        assert response.status_code == 200, response.text
        assert response.json()["status"] == "locked"

    async def test_the_refusal_names_the_end_of_publicity_in_china_time(self, scoring: Any):
        plan = await arrange(scoring)
        await scoring.publicity(plan, datetime(2099, 1, 1, 16, 30, tzinfo=UTC))
        body = scoring.problem(await scoring.lock(plan), 400)
        assert "成绩公示期至 2099-01-02 00:30，" in body["detail"]

    async def test_another_organisations_plan_is_404(self, scoring: Any):
        plan = await arrange(scoring)
        other = scoring.harness.headers(Role.ORG_ADMIN, org_id="ORG-OTHER")
        scoring.problem(await scoring.lock(plan, headers=other), 404)
        assert await scoring.count(CertificateResult) == 0


class TestListScores:
    async def test_lists_candidates_with_masked_id_numbers_page_by_page(self, scoring: Any):
        plan = await scoring.plan()
        for i in range(3):
            await scoring.schedule(plan, f"T00{i}", id_number=f"11010119900307451{i}")
        await scoring.import_scores(plan, "S1", [("T001", 77)])
        url = f"{API}/plans/{plan.plan_id}/scores?limit=2"
        first = (await scoring.client.get(url, headers=scoring.org)).json()
        assert [r["ticket_number"] for r in first["items"]] == ["T000", "T001"]
        assert first["items"][0]["id_number"] == "110101********4510"
        assert first["items"][1]["scores"] == {"S1": 77.0}
        assert first["items"][1]["result"] is None
        second = (
            await scoring.client.get(f"{url}&cursor={first['next_cursor']}", headers=scoring.org)
        ).json()
        assert [r["ticket_number"] for r in second["items"]] == ["T002"]
        assert second["next_cursor"] is None

    async def test_bad_cursor_is_422(self, scoring: Any):
        plan = await arrange(scoring)
        response = await scoring.client.get(
            f"{API}/plans/{plan.plan_id}/scores?cursor=%%%", headers=scoring.org
        )
        scoring.problem(response, 422, "cursor")

    async def test_another_organisations_plan_is_404(self, scoring: Any):
        plan = await arrange(scoring)
        response = await scoring.client.get(
            f"{API}/plans/{plan.plan_id}/scores",
            headers=scoring.harness.headers(Role.ORG_ADMIN, org_id="ORG-OTHER"),
        )
        scoring.problem(response, 404)


class TestMyResults:
    async def test_candidate_sees_only_own_scores_after_publicity_and_result_after_lock(
        self, scoring: Any
    ):
        me = uuid4()
        plan = await scoring.plan()
        await scoring.schedule(plan, "T001", candidate_id=me)
        await scoring.schedule(plan, "T002")
        await scoring.import_scores(plan, "S1", [("T001", 80), ("T002", 90)])
        await scoring.import_scores(plan, "S2", [("T001", 70), ("T002", 40)])
        headers = scoring.harness.headers(Role.CANDIDATE, account_id=me)

        async def mine() -> list[dict[str, Any]]:
            response = await scoring.client.get(f"{API}/results/mine", headers=headers)
            assert response.status_code == 200, response.text
            return response.json()

        [entry] = await mine()
        assert (entry["ticket_number"], entry["status"], entry["scores"], entry["result"]) == (
            "T001",
            "open",
            [],
            None,
        )
        await scoring.publicity(plan)
        [entry] = await mine()
        assert [(s["subject_code"], s["score"], s["passed"]) for s in entry["scores"]] == [
            ("S1", 80.0, True),
            ("S2", 70.0, True),
        ]
        await end_publicity_now(scoring.harness, plan)
        await scoring.lock(plan)
        [entry] = await mine()
        assert (entry["status"], entry["result"], entry["plan_title"]) == (
            "locked",
            "pass",
            plan.title,
        )
        assert entry["determined_at"] is not None

    async def test_candidate_without_exams_has_no_results(self, scoring: Any):
        await arrange(scoring)
        response = await scoring.client.get(
            f"{API}/results/mine", headers=scoring.harness.headers(Role.CANDIDATE)
        )
        assert response.json() == []

    async def test_staff_may_not_call_it(self, scoring: Any):
        response = await scoring.client.get(f"{API}/results/mine", headers=scoring.org)
        scoring.problem(response, 403)
