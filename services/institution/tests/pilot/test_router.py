"""证书试点申报 over HTTP: a province publishes its plan, its institutions apply inside open
batches, the city (where asked) and the province decide, every decision audited and told;
every refusal is Chinese problem+json, every rule tried from the other side."""

from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from institution.pilot.models import PilotApplication, PilotDecision
from skillcert.auth import Role
from skillcert.events import PilotApproved, PilotDecided
from skillcert.testing import ServiceHarness, assert_problem

from .support import (
    BASE,
    ECOMMERCE,
    GX,
    GXU,
    INTERNET_MARKETING,
    NJ_INFO,
    NJ_POLY,
    SUPPLY_CHAIN,
    SUZHOU,
    SZ_POLY,
    application_body,
    batch_body,
    batch_of,
    city,
    close_batches,
    complete_base_info,
    decide,
    draft,
    plan_body,
    province,
    publish_plan,
    staff,
    submit,
)

FIRST, SECOND = "2026年第一次", "2026年第二次"


def edit_body(**changes: Any) -> dict[str, Any]:
    return {k: v for k, v in application_body("x", **changes).items() if k != "batch_id"}


async def count(harness: ServiceHarness, model: type[Any]) -> int:
    async with harness.ctx.sessionmaker() as session:
        return int((await session.execute(select(func.count()).select_from(model))).scalar_one())


class TestCatalogues:
    async def test_certificates_carry_the_exam_plans_occupation_codes(
        self, harness: ServiceHarness
    ):
        response = await harness.client.get(f"{BASE}/certificates")
        codes = {c["code"] for c in response.json()}
        assert {ECOMMERCE, SUPPLY_CHAIN, INTERNET_MARKETING} <= codes

    async def test_majors_by_part_of_the_name(self, harness: ServiceHarness):
        response = await harness.client.get(f"{BASE}/majors", params={"q": "电子商务"})
        majors = response.json()
        assert majors and all("电子商务" in m["name"] for m in majors)
        assert {m["level"] for m in majors} >= {"中职", "高职专科"}


class TestPlans:
    async def test_the_province_publishes_and_its_institutions_see_it(
        self, harness: ServiceHarness
    ):
        plan = await publish_plan(harness)
        assert plan["province"] == "320000" and plan["year"] == 2026
        assert [b["state"] for b in plan["batches"]] == ["open", "open"]
        seen = await harness.client.get(f"{BASE}/plans", headers=staff(harness))
        assert [p["id"] for p in seen.json()] == [plan["id"]]
        first = seen.json()[0]["batches"][0]
        assert first["certificates"][0]["name"] == "电子商务师职业技能等级证书"
        assert first["majors_required"] is True and first["city_review_first"] is False

    async def test_another_province_sees_none_of_it(self, harness: ServiceHarness):
        await publish_plan(harness)
        for headers in (province(harness, GX), staff(harness, GXU)):
            response = await harness.client.get(f"{BASE}/plans", headers=headers)
            assert response.status_code == 200 and response.json() == []

    async def test_one_plan_a_year(self, harness: ServiceHarness):
        await publish_plan(harness)
        again = await harness.client.post(
            f"{BASE}/plans", json=plan_body(2026), headers=province(harness)
        )
        assert_problem(
            again, 409, slug="conflict", detail="2026年的申报计划已发布，请在该计划中增加批次"
        )

    async def test_a_bad_batch_names_its_fields(self, harness: ServiceHarness):
        bad = batch_body(certificates=("9-99-99-99",)) | {
            "closes_at": batch_body()["opens_at"],
            "opens_at": batch_body()["closes_at"],
        }
        response = await harness.client.post(
            f"{BASE}/plans", json=plan_body(2026, bad), headers=province(harness)
        )
        assert_problem(
            response,
            422,
            "batches[0].closes_at",
            "batches[0].certificate_codes[0]",
            messages={
                "batches[0].closes_at": "截止时间须晚于开始时间",
                "batches[0].certificate_codes[0]": "证书不在证书目录中",
            },
        )

    async def test_a_second_batch_for_late_certificates(self, harness: ServiceHarness):
        plan = await publish_plan(harness)
        url = f"{BASE}/plans/{plan['id']}/batches"
        body = batch_body("2026年补报", certificates=("4-13-01-05",))
        other = await harness.client.post(url, json=body, headers=province(harness, GX))
        assert_problem(other, 404, slug="not-found", detail="申报计划不存在")
        added = await harness.client.post(url, json=body, headers=province(harness))
        assert added.status_code == 201, added.text
        assert len(added.json()["batches"]) == 3
        twice = await harness.client.post(url, json=body, headers=province(harness))
        assert_problem(twice, 409, detail="该计划已有同名的申报批次")

    async def test_only_a_province_admin_publishes(self, harness: ServiceHarness):
        for role, org in (
            (Role.INSTITUTION_HEAD, NJ_POLY),
            (Role.CITY_REVIEWER, "CITY-320100"),
            (Role.CANDIDATE, None),
        ):
            response = await harness.client.post(
                f"{BASE}/plans", json=plan_body(), headers=harness.headers(role, org_id=org)
            )
            assert_problem(response, 403, slug="forbidden")
        assert_problem(await harness.client.post(f"{BASE}/plans", json=plan_body()), 401)
        not_a_province = harness.headers(Role.PROVINCE_ADMIN, org_id="ORG-DEMO")
        response = await harness.client.post(
            f"{BASE}/plans", json=plan_body(), headers=not_a_province
        )
        assert_problem(response, 403, detail="账号未关联省级教育行政部门")
        assert_problem(
            await harness.client.get(f"{BASE}/plans", headers=city(harness)), 403, slug="forbidden"
        )


class TestDrafts:
    async def test_base_info_first(self, harness: ServiceHarness):
        plan = await publish_plan(harness)
        response = await harness.client.post(
            f"{BASE}/applications",
            json=application_body(batch_of(plan, FIRST)),
            headers=staff(harness),
        )
        assert_problem(
            response, 400, slug="rule-violation", detail="请先完善院校基础信息，再申报证书试点"
        )

    async def test_draft_edit_delete_with_sanitised_text(self, harness: ServiceHarness):
        plan = await publish_plan(harness)
        await complete_base_info(harness, NJ_POLY)
        created = await draft(
            harness,
            batch_of(plan, FIRST),
            teachers='<p onclick="x()">双师型<script>alert(1)</script>8名</p>',
        )
        assert created["status"] == "draft" and created["editable"] is True
        assert created["teachers"] == "<p>双师型8名</p>"
        assert [m["name"] for m in created["majors"]] == ["电子商务", "跨境电子商务"]
        assert created["institution_name"] == "南京工业职业技术大学"
        url = f"{BASE}/applications/{created['id']}"
        body = edit_body(planned_headcount=80)
        edited = await harness.client.put(
            url, json=body, headers=staff(harness, role=Role.INSTITUTION_ADMIN)
        )
        assert edited.status_code == 200, edited.text
        assert edited.json()["planned_headcount"] == 80
        listed = await harness.client.get(f"{BASE}/applications", headers=staff(harness))
        assert [a["id"] for a in listed.json()["items"]] == [created["id"]]
        deleted = await harness.client.delete(url, headers=staff(harness))
        assert deleted.status_code == 204
        assert await count(harness, PilotApplication) == 0

    async def test_content_is_checked_against_the_batch(self, harness: ServiceHarness):
        plan = await publish_plan(harness)
        await complete_base_info(harness, NJ_POLY)
        body = application_body(
            batch_of(plan, FIRST), certificate_code=INTERNET_MARKETING, majors=["999999"]
        )
        response = await harness.client.post(
            f"{BASE}/applications", json=body, headers=staff(harness)
        )
        assert_problem(
            response,
            422,
            "certificate_code",
            "majors[0]",
            messages={
                "certificate_code": "该证书不在本批次的申报范围内",
                "majors[0]": "专业不在专业目录中",
            },
        )
        no_majors = application_body(batch_of(plan, FIRST), majors=[])
        response = await harness.client.post(
            f"{BASE}/applications", json=no_majors, headers=staff(harness)
        )
        assert_problem(
            response, 422, "majors", messages={"majors": "本批次要求按专业填报，请选择专业"}
        )
        assert await count(harness, PilotApplication) == 0

    async def test_nothing_outside_an_open_batch(self, harness: ServiceHarness):
        body = plan_body(2027, batch_body("2027年第一次", opens=timedelta(days=3)))
        plan = (
            await harness.client.post(f"{BASE}/plans", json=body, headers=province(harness))
        ).json()
        assert plan["batches"][0]["state"] == "upcoming"
        await complete_base_info(harness, NJ_POLY)
        response = await harness.client.post(
            f"{BASE}/applications",
            json=application_body(plan["batches"][0]["id"]),
            headers=staff(harness),
        )
        assert_problem(
            response,
            400,
            slug="rule-violation",
            detail="不在申报时间内，请在省级教育行政部门规定的申报时间内操作",
        )

    async def test_one_application_per_certificate_and_year(self, harness: ServiceHarness):
        plan = await publish_plan(harness)
        await complete_base_info(harness, NJ_POLY)
        await draft(harness, batch_of(plan, FIRST))
        again = await harness.client.post(
            f"{BASE}/applications",
            json=application_body(batch_of(plan, FIRST)),
            headers=staff(harness),
        )
        assert_problem(again, 409, detail="2026年已申报该证书，请在申报列表中修改")

    async def test_another_provinces_batch_is_not_found(self, harness: ServiceHarness):
        plan = await publish_plan(harness)
        await complete_base_info(harness, GXU)
        response = await harness.client.post(
            f"{BASE}/applications",
            json=application_body(batch_of(plan, FIRST)),
            headers=staff(harness, GXU),
        )
        assert_problem(response, 404, detail="申报批次不存在")

    async def test_a_draft_is_the_institutions_alone(self, harness: ServiceHarness):
        plan = await publish_plan(harness)
        await complete_base_info(harness, NJ_POLY, NJ_INFO)
        created = await draft(harness, batch_of(plan, FIRST))
        url = f"{BASE}/applications/{created['id']}"
        for headers in (staff(harness, NJ_INFO), province(harness), city(harness)):
            assert_problem(await harness.client.get(url, headers=headers), 404, detail="申报不存在")
        other = await harness.client.put(url, json=edit_body(), headers=staff(harness, NJ_INFO))
        assert_problem(other, 404, slug="not-found")
        assert_problem(
            await harness.client.delete(url, headers=staff(harness, NJ_INFO)), 404, slug="not-found"
        )
        assert_problem(await submit(harness, created["id"], NJ_INFO), 404, slug="not-found")
        assert_problem(
            await harness.client.get(url, headers=harness.headers(Role.CANDIDATE)),
            403,
            slug="forbidden",
        )
        assert_problem(await harness.client.get(url), 401)
        queue = await harness.client.get(f"{BASE}/applications", headers=province(harness))
        assert queue.json()["items"] == []
        assert await count(harness, PilotApplication) == 1


class TestSubmission:
    async def test_submit_needs_confirmation_and_the_starred_fields(self, harness: ServiceHarness):
        plan = await publish_plan(harness)
        await complete_base_info(harness, NJ_POLY)
        created = await draft(harness, batch_of(plan, FIRST), teachers="<p> </p>", venue="")
        unconfirmed = await harness.client.post(
            f"{BASE}/applications/{created['id']}/submit",
            json={"confirmed": False},
            headers=staff(harness),
        )
        assert_problem(unconfirmed, 422, "confirmed")
        empty = await submit(harness, created["id"])
        assert_problem(
            empty,
            422,
            "teachers",
            "venue",
            messages={"teachers": "请填写师资情况描述", "venue": "请填写场地情况描述"},
        )

    async def test_submitted_it_is_locked(self, harness: ServiceHarness):
        plan = await publish_plan(harness)
        await complete_base_info(harness, NJ_POLY)
        created = await draft(harness, batch_of(plan, FIRST))
        submitted = await submit(harness, created["id"])
        assert submitted.status_code == 200, submitted.text
        assert submitted.json()["status"] == "province_review"
        assert submitted.json()["editable"] is False
        url = f"{BASE}/applications/{created['id']}"
        body = {k: v for k, v in application_body("x").items() if k != "batch_id"}
        edited = await harness.client.put(url, json=body, headers=staff(harness))
        assert_problem(edited, 409, detail="申报当前状态为待省级审核，不能修改")
        deleted = await harness.client.delete(url, headers=staff(harness))
        assert_problem(deleted, 409, detail="申报当前状态为待省级审核，不能删除")
        assert_problem(await submit(harness, created["id"]), 409, slug="conflict")


class TestProvinceReview:
    async def _submitted(self, harness: ServiceHarness) -> dict[str, Any]:
        plan = await publish_plan(harness)
        await complete_base_info(harness, NJ_POLY)
        created = await draft(harness, batch_of(plan, FIRST))
        response = await submit(harness, created["id"])
        assert response.status_code == 200, response.text
        return created

    async def test_approved_with_its_own_headcount_and_the_quota_event(
        self, harness: ServiceHarness
    ):
        created = await self._submitted(harness)
        queue = await harness.client.get(
            f"{BASE}/applications",
            params={"status": "province_review"},
            headers=province(harness),
        )
        assert [a["id"] for a in queue.json()["items"]] == [created["id"]]
        response = await decide(
            harness, created["id"], province(harness), outcome="approved", approved_headcount=100
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["status"], body["planned_headcount"], body["approved_headcount"]) == (
            "approved",
            120,
            100,
        )
        (trail,) = body["decisions"]
        assert (trail["level"], trail["outcome"], trail["approved_headcount"]) == (
            "province",
            "approved",
            100,
        )
        assert trail["decider_org"] == "PROV-JS"
        (approved,) = await harness.outbox("institution.pilot.approved.v1")
        assert isinstance(approved, PilotApproved)
        assert (approved.certificate_code, approved.year, approved.approved_headcount) == (
            ECOMMERCE,
            2026,
            100,
        )
        assert approved.institution_code == NJ_POLY and approved.province == "320000"
        audited = [e for e in await harness.outbox("audit.recorded.v1") if e.kind == "decision"]
        assert [e.action for e in audited][-1] == "institution.pilot.province_approved"
        assert "100" in audited[-1].reason and audited[-1].actor_org == "PROV-JS"
        (told,) = await harness.outbox("institution.pilot.decided.v1")
        assert isinstance(told, PilotDecided)
        assert (told.outcome, told.level, told.decision_id) == (
            "approved",
            "province",
            approved.decision_id,
        )
        again = await decide(
            harness, created["id"], province(harness), outcome="rejected", reason="重复"
        )
        assert_problem(again, 409, detail="申报当前状态为审核通过，不能省级审核")

    async def test_a_decision_must_say_enough(self, harness: ServiceHarness):
        created = await self._submitted(harness)
        no_count = await decide(harness, created["id"], province(harness), outcome="approved")
        assert_problem(
            no_count,
            422,
            "approved_headcount",
            messages={"approved_headcount": "请填写批准培训人数"},
        )
        no_reason = await decide(harness, created["id"], province(harness), outcome="rejected")
        assert_problem(no_reason, 422, "reason", messages={"reason": "请填写审核不通过的原因"})
        assert await count(harness, PilotDecision) == 0

    async def test_rejected_edited_and_submitted_again(self, harness: ServiceHarness):
        created = await self._submitted(harness)
        rejected = await decide(
            harness,
            created["id"],
            province(harness),
            outcome="rejected",
            reason="师资情况描述不完整",
        )
        assert rejected.json()["status"] == "rejected"
        assert rejected.json()["editable"] is True
        assert rejected.json()["rejection_reason"] == "师资情况描述不完整"
        (told,) = await harness.outbox("institution.pilot.decided.v1")
        assert isinstance(told, PilotDecided)
        assert (told.outcome, told.reason) == ("rejected", "师资情况描述不完整")
        assert await harness.outbox("institution.pilot.approved.v1") == []
        url = f"{BASE}/applications/{created['id']}"
        edited = await harness.client.put(
            url, json=edit_body(teachers="<p>专任教师15名</p>"), headers=staff(harness)
        )
        assert edited.status_code == 200, edited.text
        assert_problem(
            await harness.client.delete(url, headers=staff(harness)),
            409,
            detail="申报当前状态为审核不通过，不能删除",
        )
        again = await submit(harness, created["id"])
        assert again.json()["status"] == "province_review"
        assert again.json()["rejection_reason"] is None
        approved = await decide(
            harness, created["id"], province(harness), outcome="approved", approved_headcount=120
        )
        trail = approved.json()["decisions"]
        assert [(d["outcome"], d["reason"]) for d in trail] == [
            ("rejected", "师资情况描述不完整"),
            ("approved", None),
        ]

    async def test_no_one_else_decides(self, harness: ServiceHarness):
        created = await self._submitted(harness)
        for headers in (province(harness, GX),):
            response = await decide(
                harness, created["id"], headers, outcome="approved", approved_headcount=10
            )
            assert_problem(response, 404, detail="申报不存在")
        for role, org in ((Role.INSTITUTION_HEAD, NJ_POLY), (Role.ORG_ADMIN, "ORG-DEMO")):
            response = await decide(
                harness,
                created["id"],
                harness.headers(role, org_id=org),
                outcome="approved",
                approved_headcount=10,
            )
            assert_problem(response, 403, slug="forbidden")
        assert_problem(
            await harness.client.post(
                f"{BASE}/applications/{created['id']}/decisions", json={"outcome": "approved"}
            ),
            401,
        )
        # Without the city step in this batch, a city reviewer has nothing to decide.
        city_try = await decide(harness, created["id"], city(harness), outcome="approved")
        assert_problem(city_try, 409, detail="申报当前状态为待省级审核，不能市级审核")
        assert await count(harness, PilotDecision) == 0
        gx_queue = await harness.client.get(f"{BASE}/applications", headers=province(harness, GX))
        assert gx_queue.json()["items"] == []


class TestCityFirst:
    async def _submitted(self, harness: ServiceHarness, org: str = NJ_POLY) -> dict[str, Any]:
        plan = await publish_plan(harness)
        await complete_base_info(harness, org)
        created = await draft(
            harness, batch_of(plan, SECOND), org, certificate_code=INTERNET_MARKETING, majors=[]
        )
        response = await submit(harness, created["id"], org)
        assert response.json()["status"] == "city_review", response.text
        return created

    async def test_the_city_passes_it_on_then_the_province_decides(self, harness: ServiceHarness):
        created = await self._submitted(harness)
        early = await decide(
            harness, created["id"], province(harness), outcome="approved", approved_headcount=50
        )
        assert_problem(early, 409, detail="申报当前状态为待市级审核，不能省级审核")
        queue = await harness.client.get(
            f"{BASE}/applications", params={"status": "city_review"}, headers=city(harness)
        )
        assert [a["id"] for a in queue.json()["items"]] == [created["id"]]
        passed = await decide(harness, created["id"], city(harness), outcome="approved")
        assert passed.json()["status"] == "province_review", passed.text
        assert await harness.outbox("institution.pilot.decided.v1") == []
        approved = await decide(
            harness, created["id"], province(harness), outcome="approved", approved_headcount=50
        )
        assert [d["level"] for d in approved.json()["decisions"]] == ["city", "province"]
        assert len(await harness.outbox("institution.pilot.approved.v1")) == 1

    async def test_a_city_rejection_goes_back_to_the_institution(self, harness: ServiceHarness):
        created = await self._submitted(harness)
        rejected = await decide(
            harness, created["id"], city(harness), outcome="rejected", reason="场地不足"
        )
        assert rejected.json()["status"] == "rejected"
        (told,) = await harness.outbox("institution.pilot.decided.v1")
        assert isinstance(told, PilotDecided)
        assert (told.level, told.outcome, told.reason) == ("city", "rejected", "场地不足")

    async def test_another_city_sees_and_decides_nothing(self, harness: ServiceHarness):
        created = await self._submitted(harness)
        other = await decide(harness, created["id"], city(harness, SUZHOU), outcome="approved")
        assert_problem(other, 404, detail="申报不存在")
        queue = await harness.client.get(f"{BASE}/applications", headers=city(harness, SUZHOU))
        assert queue.json()["items"] == []
        bad_org = harness.headers(Role.CITY_REVIEWER, org_id="CITY-999999")
        response = await decide(harness, created["id"], bad_org, outcome="approved")
        assert_problem(response, 403, detail="账号未关联地市级教育行政部门")
        headcount = await decide(
            harness, created["id"], city(harness), outcome="approved", approved_headcount=5
        )
        assert_problem(headcount, 422, "approved_headcount")
        assert await count(harness, PilotDecision) == 0

    async def test_a_suzhou_institution_goes_to_the_suzhou_reviewer(self, harness: ServiceHarness):
        created = await self._submitted(harness, SZ_POLY)
        nanjing = await harness.client.get(f"{BASE}/applications", headers=city(harness))
        assert nanjing.json()["items"] == []
        suzhou = await harness.client.get(f"{BASE}/applications", headers=city(harness, SUZHOU))
        assert [a["id"] for a in suzhou.json()["items"]] == [created["id"]]


class TestPilotStatus:
    async def test_a_pilot_institution_once_the_batch_closed(self, harness: ServiceHarness):
        plan = await publish_plan(harness)
        await complete_base_info(harness, NJ_POLY, NJ_INFO)
        created = await draft(harness, batch_of(plan, FIRST))
        await submit(harness, created["id"])
        await decide(
            harness, created["id"], province(harness), outcome="approved", approved_headcount=90
        )
        url = f"{BASE}/status"
        (year,) = (await harness.client.get(url, headers=staff(harness))).json()["years"]
        assert (year["year"], year["pilot"]) == (2026, False)
        assert [c["code"] for c in year["pending_certificates"]] == [ECOMMERCE]
        await close_batches(harness)
        (year,) = (await harness.client.get(url, headers=staff(harness))).json()["years"]
        assert (year["pilot"], [c["code"] for c in year["certificates"]]) == (True, [ECOMMERCE])
        other = await harness.client.get(url, headers=staff(harness, NJ_INFO))
        assert other.json()["years"] == []
        assert_problem(await harness.client.get(url, headers=province(harness)), 403)

    async def test_after_the_close_nothing_is_edited_or_submitted(self, harness: ServiceHarness):
        plan = await publish_plan(harness)
        await complete_base_info(harness, NJ_POLY)
        created = await draft(harness, batch_of(plan, FIRST))
        await close_batches(harness)
        response = await submit(harness, created["id"])
        assert_problem(response, 400, slug="rule-violation")
        edited = await harness.client.put(
            f"{BASE}/applications/{created['id']}", json=edit_body(), headers=staff(harness)
        )
        assert_problem(edited, 400, slug="rule-violation")
