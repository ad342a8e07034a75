"""Exam plans over HTTP: creation with field errors, sites, publication and its event."""

from decimal import Decimal
from typing import Any

import pytest

from exam_scheduling.plans.models import ExamPlan, PlanSite, PlanSubject
from skillcert import events
from skillcert.auth import Role
from skillcert.events import ExamPlanPublished
from skillcert.paging import encode_cursor
from skillcert.testing import ServiceHarness, assert_problem

from ..factories import (
    API,
    ECOMMERCE,
    INTERNET_MARKETING,
    MARKETER,
    ORG,
    count,
    create_plan,
    create_site,
    org_admin,
    plan_payload,
)

SUBJECT = {"code": "T1", "name": "理论知识", "method": "computer"}


class TestCreatePlan:
    async def test_creates_a_draft_of_the_callers_organisation(self, harness: ServiceHarness):
        plan = await create_plan(harness)
        assert plan["status"] == "draft"
        assert plan["org_id"] == ORG and plan["org_name"] == "示例培训评价组织"
        assert plan["occupation_name"] == "电子商务师" and plan["level_name"] == "一级/高级技师"
        assert plan["exam_starts_at"] == "2026-05-16T01:00:00Z"  # stored in UTC
        assert [s["code"] for s in plan["subjects"]] == ["T1", "P1"]
        assert plan["subjects"][0]["pass_score"] == "60.00"  # default
        assert plan["conditions"][0]["min_years_after_prior"] == 5
        assert plan["sites"] == [] and plan["published_at"] is None

    async def test_plans_get_increasing_serials(self, harness: ServiceHarness):
        first = await create_plan(harness)
        second = await create_plan(harness)
        assert second["serial"] == first["serial"] + 1

    async def test_same_idempotency_key_returns_the_first_plan(self, harness: ServiceHarness):
        headers = {**org_admin(harness), "Idempotency-Key": "plan-2026-1"}
        first = await harness.client.post(f"{API}/plans", json=plan_payload(), headers=headers)
        again = await harness.client.post(f"{API}/plans", json=plan_payload(), headers=headers)
        assert first.status_code == again.status_code == 201
        assert again.headers.get("Idempotent-Replayed") == "true"
        assert again.json()["id"] == first.json()["id"]
        assert await count(harness, ExamPlan) == 1

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"title": "  "}, "title"),
            ({"occupation_code": "9-99-99-99"}, "occupation_code"),
            ({"level": 6}, "level"),
            ({"registration_opens_at": "2026-03-01T00:00:00"}, "registration_opens_at"),
            ({"registration_closes_at": "2026-02-01T00:00:00Z"}, "registration_closes_at"),
            ({"exam_starts_at": "2026-03-15T00:00:00Z"}, "exam_starts_at"),
            ({"exam_ends_at": "2026-05-16T08:00:00+08:00"}, "exam_ends_at"),
            ({"withdrawal_closes_at": "2026-03-01T00:00:00Z"}, "withdrawal_closes_at"),
            ({"withdrawal_closes_at": "2026-05-16T09:00:01+08:00"}, "withdrawal_closes_at"),
            ({"withdrawal_closes_at": "2026-04-01T00:00:00"}, "withdrawal_closes_at"),
            ({"fee_fen": -1}, "fee_fen"),
            ({"subjects": []}, "subjects"),
            ({"subjects": [SUBJECT, {**SUBJECT, "name": "重复"}]}, "subjects.1.code"),
            ({"subjects": [{**SUBJECT, "method": "oral"}]}, "subjects.0.method"),
            ({"subjects": [{**SUBJECT, "pass_score": "101"}]}, "subjects.0.pass_score"),
            ({"subjects": [{**SUBJECT, "full_score": "99.999"}]}, "subjects.0.full_score"),
            (
                {"conditions": [{"code": "A", "title": "甲"}, {"code": "A", "title": "乙"}]},
                "conditions.1.code",
            ),
            (
                {"conditions": [{"code": "A", "title": "甲", "prior_level": 0}]},
                "conditions.0.prior_level",
            ),
            ({"subjects": [{**SUBJECT, "audience": ["甲方向", " "]}]}, "subjects.0.audience.1"),
            ({"subjects": [{**SUBJECT, "audience": "甲方向"}]}, "subjects.0.audience"),
            ({"surprise": 1}, "surprise"),
        ],
    )
    async def test_bad_field_is_a_problem_naming_it_and_writes_nothing(
        self, harness: ServiceHarness, overrides: dict[str, Any], field: str
    ):
        response = await harness.client.post(
            f"{API}/plans", json=plan_payload(**overrides), headers=org_admin(harness)
        )
        errors = assert_problem(response, 422)["errors"]
        assert field in [e["field"] for e in errors], errors
        assert await count(harness, ExamPlan) == 0
        assert await count(harness, PlanSubject) == 0

    async def test_subjects_carry_their_groups_and_default_to_all_candidates(
        self, harness: ServiceHarness
    ):
        subjects = [
            {**SUBJECT, "audience": [" 电子商务方向", "网络营销方向"]},
            {"code": "P1", "name": "操作技能", "method": "practical"},
        ]
        plan = await create_plan(harness, subjects=subjects)
        assert [s["audience"] for s in plan["subjects"]] == [["电子商务方向", "网络营销方向"], []]
        again = await harness.client.get(f"{API}/plans/{plan['id']}", headers=org_admin(harness))
        assert [s["audience"] for s in again.json()["subjects"]] == [
            ["电子商务方向", "网络营销方向"],
            [],
        ]

    async def test_a_group_named_twice_is_refused_in_chinese(self, harness: ServiceHarness):
        subjects = [{**SUBJECT, "audience": ["电子商务方向", "电子商务方向"]}]
        response = await harness.client.post(
            f"{API}/plans", json=plan_payload(subjects=subjects), headers=org_admin(harness)
        )
        assert assert_problem(response, 422)["errors"] == [
            {"field": "subjects.0.audience.1", "message": "参考对象重复", "code": "rule"}
        ]
        assert await count(harness, ExamPlan) == 0

    async def test_a_blank_group_is_refused_in_chinese(self, harness: ServiceHarness):
        subjects = [{**SUBJECT, "audience": ["  "]}]
        response = await harness.client.post(
            f"{API}/plans", json=plan_payload(subjects=subjects), headers=org_admin(harness)
        )
        [error] = assert_problem(response, 422, "subjects.0.audience.0")["errors"]
        assert error["message"] == "内容过短"

    async def test_missing_field_is_named(self, harness: ServiceHarness):
        payload = plan_payload()
        del payload["exam_ends_at"]
        response = await harness.client.post(
            f"{API}/plans", json=payload, headers=org_admin(harness)
        )
        assert_problem(response, 422)
        assert response.json()["errors"] == [
            {"field": "exam_ends_at", "message": "此项为必填项", "code": "missing"}
        ]

    async def test_exam_may_start_when_registration_closes(self, harness: ServiceHarness):
        plan = await create_plan(
            harness,
            registration_closes_at="2026-05-16T09:00:00+08:00",
            exam_starts_at="2026-05-16T09:00:00+08:00",
        )
        assert plan["registration_closes_at"] == plan["exam_starts_at"]

    async def test_withdrawal_deadline_defaults_to_the_registration_close(
        self, harness: ServiceHarness
    ):
        plan = await create_plan(harness)
        assert plan["withdrawal_closes_at"] == plan["registration_closes_at"]

    async def test_withdrawal_deadline_may_run_until_the_exam_starts(self, harness: ServiceHarness):
        plan = await create_plan(harness, withdrawal_closes_at="2026-05-16T09:00:00+08:00")
        assert plan["withdrawal_closes_at"] == plan["exam_starts_at"]

    async def test_a_withdrawal_deadline_after_the_exam_start_is_named_in_chinese(
        self, harness: ServiceHarness
    ):
        response = await harness.client.post(
            f"{API}/plans",
            json=plan_payload(withdrawal_closes_at="2026-05-17T00:00:00+08:00"),
            headers=org_admin(harness),
        )
        assert assert_problem(response, 422)["errors"] == [
            {
                "field": "withdrawal_closes_at",
                "message": "退考截止时间不得晚于考试开始时间",
                "code": "rule",
            }
        ]
        assert await count(harness, ExamPlan) == 0

    @pytest.mark.parametrize("role", [Role.CANDIDATE, Role.INSTITUTION_ADMIN, Role.REVIEWER])
    async def test_only_org_admins_create_plans(self, harness: ServiceHarness, role: Role):
        response = await harness.client.post(
            f"{API}/plans", json=plan_payload(), headers=harness.headers(role, org_id="INST-DEMO")
        )
        assert_problem(response, 403, slug="forbidden")
        assert await count(harness, ExamPlan) == 0

    async def test_without_token_is_401(self, harness: ServiceHarness):
        response = await harness.client.post(f"{API}/plans", json=plan_payload())
        assert_problem(response, 401, slug="unauthorized")


class TestAttachSites:
    async def test_attaches_sites_in_order_and_ignores_repeats(self, harness: ServiceHarness):
        plan = await create_plan(harness)
        a, b = await create_site(harness, "考点A"), await create_site(harness, "考点B")
        url = f"{API}/plans/{plan['id']}/sites"
        await harness.client.post(url, json={"site_ids": [a["id"]]}, headers=org_admin(harness))
        response = await harness.client.post(
            url, json={"site_ids": [b["id"], a["id"], b["id"]]}, headers=org_admin(harness)
        )
        assert response.status_code == 200
        assert [(s["name"], s["position"]) for s in response.json()["sites"]] == [
            ("考点A", 1),
            ("考点B", 2),
        ]
        assert response.json()["sites"][0]["institution_id"] == "INST-DEMO"

    async def test_unknown_site_is_named_and_nothing_is_attached(self, harness: ServiceHarness):
        plan = await create_plan(harness)
        site = await create_site(harness)
        response = await harness.client.post(
            f"{API}/plans/{plan['id']}/sites",
            json={"site_ids": [site["id"], "00000000-0000-0000-0000-000000000001"]},
            headers=org_admin(harness),
        )
        assert_problem(response, 422, "site_ids.1")
        assert await count(harness, PlanSite) == 0

    async def test_empty_list_is_rejected(self, harness: ServiceHarness):
        plan = await create_plan(harness)
        response = await harness.client.post(
            f"{API}/plans/{plan['id']}/sites", json={"site_ids": []}, headers=org_admin(harness)
        )
        assert_problem(response, 422, "site_ids")

    async def test_another_organisations_draft_is_404(self, harness: ServiceHarness):
        plan = await create_plan(harness)
        site = await create_site(harness)
        response = await harness.client.post(
            f"{API}/plans/{plan['id']}/sites",
            json={"site_ids": [site["id"]]},
            headers=org_admin(harness, "ORG-OTHER"),
        )
        assert_problem(response, 404, slug="not-found")
        assert await count(harness, PlanSite) == 0


class TestPublishPlan:
    async def test_publishes_and_records_the_event_with_the_full_plan(
        self, harness: ServiceHarness
    ):
        plan = await create_plan(harness)
        response = await harness.client.post(
            f"{API}/plans/{plan['id']}/publish", headers=org_admin(harness)
        )
        assert response.status_code == 200
        assert response.json()["status"] == "published"
        assert response.json()["published_at"] is not None
        [event] = await harness.outbox(ExamPlanPublished.model_fields["type"].default)
        assert isinstance(event, ExamPlanPublished)
        assert str(event.plan_id) == plan["id"]
        assert (event.org_id, event.org_name) == (ORG, "示例培训评价组织")
        assert event.title == plan["title"]
        assert (event.occupation_code, event.occupation_name) == (ECOMMERCE, "电子商务师")
        assert (event.level, event.level_name) == (1, "一级/高级技师")
        assert event.registration_opens_at.isoformat() == "2026-03-01T00:00:00+00:00"
        assert event.registration_closes_at.isoformat() == "2026-03-31T00:00:00+00:00"
        assert event.exam_starts_at.isoformat() == "2026-05-16T01:00:00+00:00"
        assert event.exam_ends_at.isoformat() == "2026-05-16T03:00:00+00:00"
        assert event.withdrawal_deadline == event.registration_closes_at
        assert event.fee_fen == 48000 and event.requires_mail_in is True
        assert [(s.code, s.method, s.full_score, s.pass_score) for s in event.subjects] == [
            ("T1", "computer", Decimal("100"), Decimal("60")),
            ("P1", "practical", Decimal("100"), Decimal("60")),
        ]
        [condition] = event.conditions
        assert condition.code == "L2+5Y"
        assert (condition.prior_level, condition.min_years_after_prior) == (2, 5)
        assert condition.related_occupations == [MARKETER, INTERNET_MARKETING]
        assert "prior_certificate" in condition.required_materials

    async def test_the_event_carries_the_subjects_groups(self, harness: ServiceHarness):
        subjects = [
            {**SUBJECT, "audience": ["电子商务方向"]},
            {"code": "P1", "name": "操作技能", "method": "practical"},
        ]
        plan = await create_plan(harness, subjects=subjects)
        await harness.client.post(f"{API}/plans/{plan['id']}/publish", headers=org_admin(harness))
        [event] = await harness.outbox(ExamPlanPublished.model_fields["type"].default)
        assert isinstance(event, ExamPlanPublished)
        assert [s.audience for s in event.subjects] == [["电子商务方向"], []]

    def test_an_older_publication_reads_as_for_all_candidates(self):
        older = {"code": "T1", "name": "理论知识", "method": "computer"}
        assert events.PlanSubject.model_validate(older).audience == []

    async def test_the_event_carries_the_withdrawal_deadline(self, harness: ServiceHarness):
        plan = await create_plan(harness, withdrawal_closes_at="2026-04-15T12:00:00+08:00")
        await harness.client.post(f"{API}/plans/{plan['id']}/publish", headers=org_admin(harness))
        [event] = await harness.outbox(ExamPlanPublished.model_fields["type"].default)
        assert isinstance(event, ExamPlanPublished)
        assert event.withdrawal_closes_at is not None
        assert event.withdrawal_closes_at.isoformat() == "2026-04-15T04:00:00+00:00"

    async def test_publishing_twice_is_409_and_one_event(self, harness: ServiceHarness):
        plan = await create_plan(harness)
        url = f"{API}/plans/{plan['id']}/publish"
        await harness.client.post(url, headers=org_admin(harness))
        again = await harness.client.post(url, headers=org_admin(harness))
        assert_problem(again, 409, slug="conflict")
        assert len(await harness.outbox("exam.plan.published.v1")) == 1

    async def test_another_organisations_draft_is_404(self, harness: ServiceHarness):
        plan = await create_plan(harness)
        response = await harness.client.post(
            f"{API}/plans/{plan['id']}/publish", headers=org_admin(harness, "ORG-OTHER")
        )
        assert_problem(response, 404, slug="not-found")
        assert await harness.outbox("exam.plan.published.v1") == []

    async def test_another_organisations_published_plan_is_403(self, harness: ServiceHarness):
        plan = await create_plan(harness)
        url = f"{API}/plans/{plan['id']}/publish"
        await harness.client.post(url, headers=org_admin(harness))
        response = await harness.client.post(url, headers=org_admin(harness, "ORG-OTHER"))
        assert_problem(response, 403, slug="forbidden")

    async def test_unknown_plan_is_404(self, harness: ServiceHarness):
        response = await harness.client.post(
            f"{API}/plans/00000000-0000-0000-0000-000000000001/publish",
            headers=org_admin(harness),
        )
        assert_problem(response, 404, slug="not-found")


class TestGetPlan:
    async def test_draft_is_hidden_from_candidates_until_published(self, harness: ServiceHarness):
        plan = await create_plan(harness)
        url = f"{API}/plans/{plan['id']}"
        candidate = harness.headers(Role.CANDIDATE)
        assert (await harness.client.get(url, headers=candidate)).status_code == 404
        assert (await harness.client.get(url, headers=org_admin(harness))).status_code == 200
        await harness.client.post(f"{url}/publish", headers=org_admin(harness))
        response = await harness.client.get(url, headers=candidate)
        assert response.status_code == 200 and response.json()["status"] == "published"
        assert response.json()["subjects"] == plan["subjects"]


class TestListPlans:
    async def test_candidates_see_published_plans_newest_first_paginated(
        self, harness: ServiceHarness
    ):
        ids = []
        for _ in range(3):
            plan = await create_plan(harness)
            await harness.client.post(
                f"{API}/plans/{plan['id']}/publish", headers=org_admin(harness)
            )
            ids.append(plan["id"])
        await create_plan(harness)  # a draft
        headers = harness.headers(Role.CANDIDATE)
        first = (await harness.client.get(f"{API}/plans?limit=2", headers=headers)).json()
        second = (
            await harness.client.get(
                f"{API}/plans?limit=2&cursor={first['next_cursor']}", headers=headers
            )
        ).json()
        assert [p["id"] for p in first["items"] + second["items"]] == ids[::-1]
        assert second["next_cursor"] is None

    @pytest.mark.parametrize("raw", [{"x": 1}, {"c": "yesterday", "i": "x"}])
    async def test_a_cursor_this_list_did_not_make_is_a_field_error(
        self, harness: ServiceHarness, raw: dict[str, Any]
    ):
        response = await harness.client.get(
            f"{API}/plans",
            params={"cursor": encode_cursor(raw)},
            headers=harness.headers(Role.CANDIDATE),
        )
        assert_problem(
            response, 422, "cursor", messages={"cursor": "分页游标无效，请不带游标从第一页重新查询"}
        )

    async def test_organisation_sees_its_drafts_others_do_not(self, harness: ServiceHarness):
        await create_plan(harness)
        own = await harness.client.get(f"{API}/plans", headers=org_admin(harness))
        other = await harness.client.get(f"{API}/plans", headers=org_admin(harness, "ORG-OTHER"))
        assert len(own.json()["items"]) == 1
        assert other.json()["items"] == []

    async def test_filters_by_occupation_and_level(self, harness: ServiceHarness):
        await create_plan(harness)
        await create_plan(harness, occupation_code=INTERNET_MARKETING, level=3, conditions=[])
        response = await harness.client.get(
            f"{API}/plans?occupation_code=4-01-02-07&level=3", headers=org_admin(harness)
        )
        assert [p["occupation_name"] for p in response.json()["items"]] == ["互联网营销师"]

    async def test_bad_level_filter_is_422_with_field(self, harness: ServiceHarness):
        response = await harness.client.get(f"{API}/plans?level=9", headers=org_admin(harness))
        assert_problem(response, 422, "query.level")
