"""The certificate result rule (考证结果判定规则) on the plan: checked, stored, published."""

from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import update

from exam_scheduling.plans.models import ExamPlan
from skillcert.events import ExamPlanPublished
from skillcert.testing import ServiceHarness, assert_problem

from ..factories import API, create_plan, org_admin, plan_payload


def weighted(kind: str = "weighted_total", t1: int = 60, p1: int = 40, mark: Any = 60) -> dict:
    return {
        "kind": kind,
        "weights": [{"subject_code": "T1", "weight": t1}, {"subject_code": "P1", "weight": p1}],
        "pass_score": mark,
    }


class TestCreate:
    async def test_a_plan_without_a_rule_is_decided_subject_by_subject(
        self, harness: ServiceHarness
    ):
        plan = await create_plan(harness)
        assert plan["result_rule"] == {"kind": "each_subject", "weights": [], "pass_score": None}

    async def test_a_weighted_rule_is_kept(self, harness: ServiceHarness):
        plan = await create_plan(harness, result_rule=weighted("both"))
        rule = plan["result_rule"]
        assert rule["kind"] == "both" and Decimal(rule["pass_score"]) == 60
        assert [(w["subject_code"], Decimal(w["weight"])) for w in rule["weights"]] == [
            ("T1", 60),
            ("P1", 40),
        ]

    @pytest.mark.parametrize(
        ("rule", "field", "message"),
        [
            (weighted(t1=50), "result_rule.weights", "各科权重之和须为 100%，现为 90%"),
            (
                weighted(mark=101),
                "result_rule.pass_score",
                "综合成绩合格分数须在 0 到满分 100 之间",
            ),
            (weighted(mark=None), "result_rule.pass_score", "请填写综合成绩合格分数"),
            (
                {**weighted(), "weights": [{"subject_code": "T1", "weight": 100}]},
                "result_rule.weights",
                "每个科目都须设权重，缺少：P1",
            ),
            (
                {
                    **weighted(),
                    "weights": [*weighted()["weights"], {"subject_code": "X9", "weight": 1}],
                },
                "result_rule.weights.2.subject_code",
                "该考试计划没有此科目",
            ),
            (
                {"kind": "each_subject", "pass_score": 60},
                "result_rule.pass_score",
                "按各科合格判定时不设综合合格分数",
            ),
        ],
    )
    async def test_a_rule_that_cannot_decide_is_refused_by_field(
        self, harness: ServiceHarness, rule: dict, field: str, message: str
    ):
        response = await harness.client.post(
            f"{API}/plans", json=plan_payload(result_rule=rule), headers=org_admin(harness)
        )
        body = assert_problem(response, 422)
        assert {"field": field, "message": message} in [
            {"field": e["field"], "message": e["message"]} for e in body["errors"]
        ], body


class TestPublish:
    async def test_the_rule_travels_on_the_publication(self, harness: ServiceHarness):
        plan = await create_plan(harness, result_rule=weighted())
        response = await harness.client.post(
            f"{API}/plans/{plan['id']}/publish", headers=org_admin(harness)
        )
        assert response.status_code == 200, response.text
        [event] = await harness.outbox("exam.plan.published.v1")
        assert isinstance(event, ExamPlanPublished)
        assert event.result_rule.kind == "weighted_total"
        assert event.result_rule.pass_score == 60
        assert [(w.subject_code, w.weight) for w in event.result_rule.weights] == [
            ("T1", 60),
            ("P1", 40),
        ]

    async def test_a_draft_whose_rule_no_longer_holds_is_not_published(
        self, harness: ServiceHarness
    ):
        plan = await create_plan(harness)
        # A draft stored before the rule was checked at creation: publishing still checks it.
        async with harness.ctx.sessionmaker() as session, session.begin():
            await session.execute(
                update(ExamPlan)
                .where(ExamPlan.number == plan["number"])
                .values(result_rule=weighted(t1=70))
            )
        response = await harness.client.post(
            f"{API}/plans/{plan['id']}/publish", headers=org_admin(harness)
        )
        assert_problem(
            response,
            422,
            "result_rule.weights",
            messages={"result_rule.weights": "各科权重之和须为 100%，现为 110%"},
        )
        assert await harness.outbox("exam.plan.published.v1") == []


def test_an_older_publication_without_a_rule_reads_as_each_subject():
    payload = {
        "plan_id": "00000000-0000-0000-0000-000000000001",
        "org_id": "ORG",
        "org_name": "组织",
        "title": "计划",
        "occupation_code": "4-01-02-02",
        "occupation_name": "电子商务师",
        "level": 1,
        "level_name": "一级",
        "registration_opens_at": "2026-03-01T00:00:00Z",
        "registration_closes_at": "2026-03-31T00:00:00Z",
        "exam_starts_at": "2026-05-16T01:00:00Z",
        "exam_ends_at": "2026-05-16T03:00:00Z",
        "fee_fen": 0,
        "subjects": [],
    }
    assert ExamPlanPublished.model_validate(payload).result_rule.kind == "each_subject"
