"""Objections (成绩异议): raised by a candidate during publicity, answered by the organisation
(corrected with an audit record, or explained); an open one holds only its candidate's result."""

from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

from scoring.scores.jobs import lock_ended_publicity
from scoring.scores.models import ScoreChange
from skillcert.auth import Role
from skillcert.events import ResultDetermined

API = "/api/v1/scoring"
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64


async def in_publicity(scoring: Any, phase: str = "publicity") -> tuple[Any, UUID, UUID]:
    """A plan in `phase` with two candidates: me (T001, S1 55) and another (T002)."""
    me, other = uuid4(), uuid4()
    plan = await scoring.plan_in("registration")
    await scoring.schedule(plan, "T001", candidate_id=me)
    await scoring.schedule(plan, "T002", candidate_id=other)
    await scoring.import_scores(plan, "S1", [("T001", 55), ("T002", 90)])
    await scoring.import_scores(plan, "S2", [("T001", 80), ("T002", 90)])
    moved = await scoring.plan_in(phase, plan_id=plan.plan_id, occurred_at=datetime.now(UTC))
    assert moved.plan_id == plan.plan_id
    return moved, me, other


def candidate(scoring: Any, account_id: UUID) -> dict[str, str]:
    return scoring.harness.headers(Role.CANDIDATE, account_id=account_id)


async def object_to(scoring: Any, plan: Any, who: UUID, subject: str = "S1", **extra: Any) -> Any:
    return await scoring.client.post(
        f"{API}/plans/{plan.plan_id}/objections",
        data={"subject_code": subject, "reason": "第三大题未计分", **extra.pop("data", {})},
        headers=candidate(scoring, who),
        **extra,
    )


async def answer(scoring: Any, plan: Any, objection_id: str, headers: Any = None, **body: Any):
    return await scoring.client.post(
        f"{API}/plans/{plan.plan_id}/objections/{objection_id}/answer",
        json=body,
        headers=headers or scoring.org,
    )


class TestRaise:
    async def test_candidate_objects_with_an_attachment_the_org_can_read(self, scoring: Any):
        plan, me, _ = await in_publicity(scoring)
        response = await object_to(
            scoring, plan, me, files={"attachment": ("答题卡.png", PNG, "image/png")}
        )
        assert response.status_code == 201, response.text
        objection = response.json()
        assert (objection["status"], objection["subject_code"], objection["attachment_name"]) == (
            "open",
            "S1",
            "答题卡.png",
        )
        queue = await scoring.client.get(
            f"{API}/plans/{plan.plan_id}/objections", headers=scoring.org
        )
        assert [o["id"] for o in queue.json()] == [objection["id"]]
        file = await scoring.client.get(
            f"{API}/plans/{plan.plan_id}/objections/{objection['id']}/attachment",
            headers=scoring.org,
        )
        assert file.status_code == 200 and file.content == PNG

    async def test_outside_publicity_is_refused(self, scoring: Any):
        plan, me, _ = await in_publicity(scoring, "registration")
        response = await object_to(scoring, plan, me)
        scoring.problem(response, 400)
        assert response.json()["detail"].startswith("只能在成绩公示期内提出异议")

    async def test_bad_fields_are_named(self, scoring: Any):
        plan, me, _ = await in_publicity(scoring)
        response = await object_to(
            scoring,
            plan,
            me,
            subject="X9",
            data={"reason": " "},
            files={"attachment": ("a.exe", b"MZ", "application/x-msdownload")},
        )
        scoring.problem(
            response,
            422,
            "subject_code",
            "reason",
            "attachment",
            messages={"attachment": "附件须为 PDF、JPG 或 PNG 文件"},
        )

    async def test_a_second_open_objection_to_the_same_subject_is_409(self, scoring: Any):
        plan, me, _ = await in_publicity(scoring)
        assert (await object_to(scoring, plan, me)).status_code == 201
        scoring.problem(await object_to(scoring, plan, me), 409)
        assert (await object_to(scoring, plan, me, subject="S2")).status_code == 201

    async def test_from_the_other_side(self, scoring: Any):
        plan, _, _ = await in_publicity(scoring)
        stranger = uuid4()  # a candidate not on this plan's roster
        scoring.problem(await object_to(scoring, plan, stranger), 404)
        url = f"{API}/plans/{plan.plan_id}/objections"
        data = {"subject_code": "S1", "reason": "第三大题未计分"}
        for headers in (
            scoring.org,
            scoring.harness.headers(Role.INSTITUTION_ADMIN, org_id="INST-DEMO"),
        ):
            scoring.problem(await scoring.client.post(url, data=data, headers=headers), 403)
        scoring.problem(await scoring.client.post(url, data=data), 401)


class TestAnswer:
    async def test_correcting_changes_the_score_with_an_audit_record(self, scoring: Any):
        plan, me, _ = await in_publicity(scoring)
        objection = (await object_to(scoring, plan, me)).json()
        response = await answer(
            scoring, plan, objection["id"], outcome="corrected", answer="复核后加 6 分", score=61
        )
        assert response.status_code == 200, response.text
        assert response.json()["status"] == "corrected" and response.json()["change_id"]
        assert (await scoring.scores(plan))["T001"]["S1"] == 61.0
        [change] = (
            await scoring.client.get(f"{API}/plans/{plan.plan_id}/corrections", headers=scoring.org)
        ).json()
        assert (change["old_score"], change["new_score"], change["reason"]) == (
            55.0,
            61.0,
            "异议答复：复核后加 6 分",
        )
        mine = await scoring.client.get(f"{API}/objections/mine", headers=candidate(scoring, me))
        assert [(o["status"], o["answer"]) for o in mine.json()] == [("corrected", "复核后加 6 分")]
        scoring.problem(
            await answer(scoring, plan, objection["id"], outcome="explained", answer="再答一次"),
            409,
        )

    async def test_explaining_keeps_the_score(self, scoring: Any):
        plan, me, _ = await in_publicity(scoring)
        objection = (await object_to(scoring, plan, me)).json()
        response = await answer(
            scoring, plan, objection["id"], outcome="explained", answer="经复核评分无误"
        )
        assert response.json()["status"] == "explained"
        assert (await scoring.scores(plan))["T001"]["S1"] == 55.0
        assert await scoring.count(ScoreChange) == 0

    async def test_a_correction_needs_a_valid_score(self, scoring: Any):
        plan, me, _ = await in_publicity(scoring)
        objection = (await object_to(scoring, plan, me)).json()
        for score, message in ((None, "更正成绩时请填写新成绩"), (101, "成绩不能超过满分 100")):
            response = await answer(
                scoring, plan, objection["id"], outcome="corrected", answer="复核", score=score
            )
            scoring.problem(response, 422, "score", messages={"score": message})

    async def test_from_the_other_side(self, scoring: Any):
        plan, me, _ = await in_publicity(scoring)
        objection = (await object_to(scoring, plan, me)).json()
        other_org = scoring.harness.headers(Role.ORG_ADMIN, org_id="ORG-OTHER")
        body = {"outcome": "explained", "answer": "无误"}
        scoring.problem(await answer(scoring, plan, objection["id"], other_org, **body), 404)
        scoring.problem(
            await answer(scoring, plan, objection["id"], candidate(scoring, me), **body), 403
        )
        queue = f"{API}/plans/{plan.plan_id}/objections"
        scoring.problem(await scoring.client.get(queue, headers=other_org), 404)
        scoring.problem(await scoring.client.get(queue), 401)
        scoring.problem(await answer(scoring, plan, str(uuid4()), **body), 404)


class TestHold:
    async def test_an_open_objection_holds_only_its_candidate_until_answered(self, scoring: Any):
        plan, me, _ = await in_publicity(scoring)
        objection = (await object_to(scoring, plan, me)).json()
        ended = await scoring.plan_in("ended", plan_id=plan.plan_id, occurred_at=datetime.now(UTC))
        assert await lock_ended_publicity(scoring.harness.ctx, datetime.now(UTC)) == 1
        written = await scoring.harness.outbox("scoring.result.determined.v1")
        assert [e.ticket_number for e in written if isinstance(e, ResultDetermined)] == ["T002"]

        response = await answer(
            scoring, ended, objection["id"], outcome="corrected", answer="复核后加 6 分", score=61
        )
        assert response.status_code == 200, response.text
        written = await scoring.harness.outbox("scoring.result.determined.v1")
        results = {e.ticket_number: e.result for e in written if isinstance(e, ResultDetermined)}
        assert results == {"T001": "pass", "T002": "pass"}
        assert await lock_ended_publicity(scoring.harness.ctx, datetime.now(UTC)) == 0
        assert len(await scoring.harness.outbox("scoring.result.determined.v1")) == 2
