"""The seeds' form, step by step, over HTTP: every bad input refused with all its fields at
once, in Chinese, and nothing saved."""

from datetime import date, timedelta
from typing import Any
from uuid import UUID

import pytest
from sqlalchemy import event

from registration.applications.models import Application
from skillcert.clock import china_today
from skillcert.events import ApplicationSubmitted
from skillcert.testing import ServiceHarness, assert_problem
from tests.conftest import (
    BASIC_INFO,
    PRIOR_CERTIFICATE,
    REGISTRATION_INFO,
    WORK_HISTORY,
    Kit,
    jpeg_between,
    resident_id,
)
from tests.roster.support import SCHOOL, csv_file, row, upload

SUBMITTED = "registration.application.submitted.v1"


def errors(body: dict[str, Any]) -> dict[str, str]:
    return {e["field"]: e["message"] for e in body["errors"]}


def next_month() -> str:
    return f"{(china_today().replace(day=1) + timedelta(days=32)):%Y-%m}"


async def draft(kit: Kit, **plan: Any) -> tuple[dict[str, str], str]:
    headers = kit.candidate()
    application = await kit.new_application(headers, (await kit.open_plan(**plan)).plan_id)
    return headers, application["id"]


async def with_basic_info(kit: Kit) -> tuple[dict[str, str], str]:
    headers, application_id = await draft(kit)
    saved = await kit.put(headers, application_id, "basic-info", BASIC_INFO)
    assert saved.status_code == 200, saved.text
    return headers, application_id


class TestBasicInfo:
    async def test_saves_every_field_of_the_seed_form(self, kit: Kit):
        headers, application_id = await with_basic_info(kit)
        basic = (await kit.get(headers, application_id))["basic_info"]
        assert basic["political_status"] == "群众"
        assert basic["landline"] == "010-62345678"
        assert (basic["assessment_category"], basic["candidate_source"]) == ("考核鉴定", "社会人员")

    async def test_every_wrong_field_in_one_answer_and_nothing_saved(self, kit: Kit):
        headers, application_id = await draft(kit)
        bad = {
            **BASIC_INFO,
            "ethnic_group": "汉",
            "political_status": "党员",
            "education": "大学",
            "landline": "62345678",
            "assessment_category": "随便",
            "candidate_source": "路人",
            "mobile": "12345",
            "birth_date": (china_today() + timedelta(days=1)).isoformat(),
        }
        body = assert_problem(await kit.put(headers, application_id, "basic-info", bad), 422)
        found = errors(body)
        assert set(found) == {
            "ethnic_group",
            "political_status",
            "education",
            "landline",
            "assessment_category",
            "candidate_source",
            "mobile",
            "birth_date",
        }
        assert found["ethnic_group"] == "民族不是可选项，请从列表中选择"
        assert found["landline"].startswith("联系电话格式不正确")
        assert (await kit.get(headers, application_id))["basic_info"] is None

    async def test_starred_fields_of_the_seed_are_required(self, kit: Kit):
        headers, application_id = await draft(kit)
        partial = {k: v for k, v in BASIC_INFO.items() if k not in ("email", "candidate_source")}
        body = assert_problem(await kit.put(headers, application_id, "basic-info", partial), 422)
        assert [(e["field"], e["code"]) for e in body["errors"]] == [
            ("email", "required"),
            ("candidate_source", "required"),
        ]
        assert (await kit.get(headers, application_id))["basic_info"] is None

    async def test_birth_date_making_the_work_history_start_before_sixteen(self, kit: Kit):
        headers, application_id = await draft(kit)
        await kit.fill(headers, application_id)
        # Born 1997 the ID would disagree too; the ID is the candidate's own here.
        response = await kit.put(
            headers, application_id, "basic-info", {**BASIC_INFO, "birth_date": "1997-03-07"}
        )
        body = assert_problem(response, 422)
        assert {e["code"] for e in body["errors"]} == {"birth_date_mismatch", "too_young"}
        assert all(e["field"] == "birth_date" for e in body["errors"])


class TestRegistrationInfo:
    async def test_saves_divisions_and_work_history_with_the_total(self, kit: Kit):
        headers, application_id = await with_basic_info(kit)
        response = await kit.put(headers, application_id, "registration-info", REGISTRATION_INFO)
        assert response.status_code == 200, response.text
        info = response.json()["registration_info"]
        assert info["residence"] == {
            "province": "110000",
            "city": "110100",
            "county": "110108",
            "address": "中关村大街1号",
            "label": "北京市 市辖区 海淀区",
        }
        assert info["hukou"]["label"] == "山东省 潍坊市 潍城区"
        assert info["enterprise_type"] == "有限责任公司"
        assert info["work_history"][0]["from_month"] == "2012-07"
        assert info["work_history"][1]["to_month"] is None
        today = china_today()
        months_now = today.year * 12 + today.month
        # 2012-07 … now, 2016-03 (the hand-over) counted once
        assert info["total_work_months"] == months_now - (2012 * 12 + 7) + 1

    async def test_a_city_without_counties_needs_none(self, kit: Kit):
        headers, application_id = await with_basic_info(kit)
        body = {
            **REGISTRATION_INFO,
            "work_unit_address": {"province": "440000", "city": "441900", "address": "东城街道"},
        }
        response = await kit.put(headers, application_id, "registration-info", body)
        assert response.status_code == 200, response.text
        assert response.json()["registration_info"]["work_unit_address"]["label"] == (
            "广东省 东莞市"
        )

    @pytest.mark.parametrize(
        ("change", "field", "message"),
        [
            (
                {"hukou": {"province": "379900", "city": "370700", "county": "370702"}},
                "hukou.province",
                "省份代码不存在（应为现行GB/T 2260行政区划代码）",
            ),
            (
                {"residence": {"province": "110000", "city": "110100", "county": "110103"}},
                "residence.county",
                "区县代码不存在（应为现行GB/T 2260行政区划代码）",
            ),
            (
                {
                    "residence": {
                        "province": "370000",
                        "city": "370700",
                        "county": "110108",
                        "address": "x",
                    }
                },
                "residence.county",
                "所选区县不属于所选城市",
            ),
            (
                {"hukou": {"province": "370000", "city": "110100", "county": "110108"}},
                "hukou.city",
                "所选城市不属于所选省份",
            ),
            (
                {"hukou": {"province": "370000", "city": "370700"}},
                "hukou.county",
                "请选择区县",
            ),
        ],
        ids=["unknown-province", "abolished-county", "county-not-in-city", "city-not-in-province",
             "county-missing"],
    )  # fmt: skip
    async def test_division_problems(
        self, kit: Kit, change: dict[str, Any], field: str, message: str
    ):
        headers, application_id = await with_basic_info(kit)
        body = assert_problem(
            await kit.put(
                headers, application_id, "registration-info", {**REGISTRATION_INFO, **change}
            ),
            422,
        )
        assert errors(body) == {field: message}
        assert (await kit.get(headers, application_id))["registration_info"] is None

    async def test_a_birth_date_in_the_future_is_refused_while_step_one_is_empty(self, kit: Kit):
        headers, application_id = await draft(kit)
        unborn = resident_id(birth=china_today() + timedelta(days=30))
        response = await kit.put(
            headers, application_id, "registration-info", {**REGISTRATION_INFO, "id_number": unborn}
        )
        assert_problem(
            response,
            422,
            "id_number",
            messages={"id_number": "身份证号码中的出生日期晚于今天，请核对"},
        )
        assert (await kit.get(headers, application_id))["registration_info"] is None

    @pytest.mark.parametrize(
        ("area", "born"),
        [
            ("370285", date(1985, 6, 12)),
            ("460400", date(1992, 3, 1)),
            ("441900", date(1965, 2, 28)),
        ],
        ids=["laixi-1990", "danzhou-2015", "dongguan-1988"],
    )
    async def test_an_area_code_created_after_the_birth_year_is_accepted(
        self, kit: Kit, area: str, born: date
    ):
        headers, application_id = await draft(kit)
        number = resident_id(birth=born, area=area)
        response = await kit.put(
            headers, application_id, "registration-info", {**REGISTRATION_INFO, "id_number": number}
        )
        assert response.status_code == 200, response.text
        assert (await kit.get(headers, application_id))["registration_info"] is not None

    async def test_an_area_code_that_never_existed_is_refused(self, kit: Kit):
        headers, application_id = await draft(kit)
        number = resident_id(area="110199")
        response = await kit.put(
            headers, application_id, "registration-info", {**REGISTRATION_INFO, "id_number": number}
        )
        assert_problem(
            response,
            422,
            "id_number",
            messages={"id_number": "身份证号码中的地区代码不存在，请核对"},
        )

    async def test_future_reversed_and_overlapping_months_all_at_once(self, kit: Kit):
        headers, application_id = await with_basic_info(kit)
        number = resident_id()
        history = [
            *WORK_HISTORY,
            {"from_month": "2014-01", "to_month": "2014-12", "unit": "兼职单位", "post": "客服"},
            {"from_month": "2011-05", "to_month": "2011-01", "unit": "甲", "post": "乙"},
            {"from_month": "2011-06", "to_month": next_month(), "unit": "丙", "post": "丁"},
            {"from_month": next_month(), "unit": "戊", "post": "己"},
            {"from_month": "2011-13", "unit": "庚", "post": "辛", "referee_phone": "12"},
        ]
        body = assert_problem(
            await kit.put(
                headers,
                application_id,
                "registration-info",
                {
                    **REGISTRATION_INFO,
                    "id_number": number[:-1] + ("0" if number[-1] != "0" else "1"),
                    "enterprise_type": "大公司",
                    "residence": {"province": "370000", "city": "370700", "county": "110108"},
                    "work_history": history,
                },
            ),
            422,
        )
        assert errors(body) == {
            "id_number": "身份证号码校验位不正确，请核对后重新输入",
            "enterprise_type": "企业类型不是可选项，请从列表中选择",
            "residence.county": "所选区县不属于所选城市",
            "work_history.2.from_month": "与第1段工作经历（潍坊示例商贸有限公司）时间重叠",
            "work_history.3.to_month": "截止年月不能早于起始年月",
            "work_history.4.to_month": "截止年月不能晚于申报表签字日期（当前月份）",
            "work_history.5.from_month": "起始年月不能晚于当前月份",
            "work_history.6.from_month": "年月格式不正确（应为 YYYY-MM）",
            "work_history.6.referee_phone": "证明人联系电话格式不正确",
        }
        assert (await kit.get(headers, application_id))["registration_info"] is None

    async def test_work_before_sixteen_is_refused(self, kit: Kit):
        headers, application_id = await with_basic_info(kit)
        early = [{"from_month": "2005-01", "to_month": "2006-01", "unit": "甲", "post": "乙"}]
        body = assert_problem(
            await kit.put(
                headers,
                application_id,
                "registration-info",
                {**REGISTRATION_INFO, "work_history": early},
            ),
            422,
        )
        assert [(e["field"], e["code"]) for e in body["errors"]] == [
            ("work_history.0.from_month", "too_young")
        ]

    async def test_starred_fields_of_the_seed_are_required(self, kit: Kit):
        headers, application_id = await with_basic_info(kit)
        body = assert_problem(
            await kit.put(
                headers,
                application_id,
                "registration-info",
                {"id_type": "resident_id", "id_number": resident_id()},
            ),
            422,
        )
        assert [e["field"] for e in body["errors"]] == [
            "registering_unit",
            "work_unit",
            "residence",
        ]
        no_address = {**REGISTRATION_INFO["residence"], "address": " "}
        body = assert_problem(
            await kit.put(
                headers,
                application_id,
                "registration-info",
                {**REGISTRATION_INFO, "residence": no_address},
            ),
            422,
        )
        assert [e["field"] for e in body["errors"]] == ["residence.address"]
        assert (await kit.get(headers, application_id))["registration_info"] is None


class TestCondition:
    async def test_a_level_building_condition_needs_the_prior_certificate(self, kit: Kit):
        headers, application_id = await draft(kit)
        body = assert_problem(
            await kit.put(headers, application_id, "condition", {"condition_code": "L1-A"}), 422
        )
        assert [(e["field"], e["code"]) for e in body["errors"]] == [
            ("prior_certificate", "required")
        ]
        assert (await kit.get(headers, application_id))["condition_code"] is None

    async def test_the_prior_certificate_is_saved_with_the_plans_occupation_name(self, kit: Kit):
        headers, application_id = await draft(kit)
        response = await kit.put(
            headers,
            application_id,
            "condition",
            {"condition_code": "L1-A", "prior_certificate": PRIOR_CERTIFICATE},
        )
        assert response.status_code == 200, response.text
        assert response.json()["prior_certificate"] == {
            "occupation_code": "4-01-02-02",
            "occupation_name": "电子商务师",
            "level": 2,
            "certificate_number": "Y000044000000123",
            "issued_on": "2018-06-30",
        }

    async def test_a_related_occupation_by_free_code(self, kit: Kit):
        headers, application_id = await draft(kit)
        related = {
            **PRIOR_CERTIFICATE,
            "occupation_code": "4-01-05-03",
            "occupation_name": "营销员",
        }
        response = await kit.put(
            headers,
            application_id,
            "condition",
            {"condition_code": "L1-A", "prior_certificate": related},
        )
        assert response.json()["prior_certificate"]["occupation_name"] == "营销员"

    async def test_bad_certificate_fields_all_at_once(self, kit: Kit):
        headers, application_id = await draft(kit)
        bad = {
            "occupation_code": "电子商务师",
            "level": 6,
            "certificate_number": "号",
            "issued_on": (china_today() + timedelta(days=1)).isoformat(),
        }
        body = assert_problem(
            await kit.put(
                headers,
                application_id,
                "condition",
                {"condition_code": "L1-A", "prior_certificate": bad},
            ),
            422,
        )
        assert errors(body) == {
            "prior_certificate.occupation_code": "职业编码格式不正确（如 4-01-02-02）",
            "prior_certificate.level": "数值过大",
            "prior_certificate.certificate_number": "证书编号应为4至40位字母、数字或连字符",
            "prior_certificate.issued_on": "发证日期不能晚于今天",
        }
        assert (await kit.get(headers, application_id))["condition_code"] is None

    async def test_a_lower_level_certificate_does_not_qualify(self, kit: Kit):
        headers, application_id = await draft(kit)
        body = assert_problem(
            await kit.put(
                headers,
                application_id,
                "condition",
                {"condition_code": "L1-A", "prior_certificate": {**PRIOR_CERTIFICATE, "level": 3}},
            ),
            422,
        )
        assert errors(body) == {"prior_certificate.level": "原证书等级须为2级及以上"}

    async def test_a_certificate_for_a_condition_without_prior_level_is_dropped(self, kit: Kit):
        headers, application_id = await draft(kit)
        response = await kit.put(
            headers,
            application_id,
            "condition",
            {"condition_code": "L1-B", "prior_certificate": PRIOR_CERTIFICATE},
        )
        assert response.status_code == 200 and response.json()["prior_certificate"] is None


class TestSubmitCarriesTheForm:
    async def test_the_event_has_work_history_total_and_prior_certificate(
        self, kit: Kit, harness: ServiceHarness
    ):
        headers, application_id = await draft(kit)
        await kit.fill(headers, application_id, condition="L1-A")
        await kit.upload(headers, application_id, "photo", jpeg_between(45, 75))
        form = await kit.upload(
            headers, application_id, "application_form", b"%PDF-1.4\n%%EOF\n", "application/pdf"
        )
        assert form.status_code == 200, form.text
        submitted = await kit.submit(headers, application_id)
        assert submitted.status_code == 200, submitted.text
        [event] = await harness.outbox(SUBMITTED)
        assert isinstance(event, ApplicationSubmitted)
        assert event.prior_certificate is not None
        assert (event.prior_certificate.level, event.prior_certificate.certificate_number) == (
            2,
            "Y000044000000123",
        )
        assert [w.unit for w in event.work_history] == [w["unit"] for w in WORK_HISTORY]
        assert event.work_history[0].from_month.isoformat() == "2012-07-01"
        assert event.work_history[1].to_month is None
        shown = await kit.get(headers, application_id)
        assert event.total_work_months == shown["registration_info"]["total_work_months"]

    async def test_a_missing_material_of_the_condition_blocks_submission(
        self, kit: Kit, harness: ServiceHarness
    ):
        headers, application_id = await draft(kit)
        await kit.fill(headers, application_id, condition="L1-A")
        await kit.upload(headers, application_id, "photo", jpeg_between(45, 75))
        body = assert_problem(await kit.submit(headers, application_id), 400)
        assert errors(body) == {"documents.application_form": "请上传申报表"}
        assert (await kit.get(headers, application_id))["status"] == "draft"
        assert await harness.outbox(SUBMITTED) == []

    async def test_editing_someone_elses_application_is_404_and_nothing_changes(self, kit: Kit):
        headers, application_id = await with_basic_info(kit)
        intruder = kit.candidate()
        for step, body in (
            ("basic-info", {**BASIC_INFO, "name": "李四"}),
            ("registration-info", REGISTRATION_INFO),
            ("condition", {"condition_code": "L1-B"}),
        ):
            assert_problem(await kit.put(intruder, application_id, step, body), 404)
        detail = await kit.get(headers, application_id)
        assert detail["basic_info"]["name"] == "张三"
        assert detail["registration_info"] is None and detail["condition_code"] is None


class TestWithoutSeedFields:
    """With `require_seed_fields` off (for clients still sending the first version's forms),
    the first API's calls — those of the journey test — still pass."""

    @pytest.fixture(autouse=True)
    def lenient(self, harness: ServiceHarness) -> Any:
        settings = harness.ctx.settings
        settings.require_seed_fields = False  # type: ignore[attr-defined]
        yield
        settings.require_seed_fields = True  # type: ignore[attr-defined]

    async def test_the_original_calls_still_submit(self, kit: Kit, harness: ServiceHarness):
        headers, application_id = await draft(kit)
        original_basic = {
            k: v
            for k, v in BASIC_INFO.items()
            if k not in ("political_status", "landline", "assessment_category", "candidate_source")
        }
        for step, body in (
            ("basic-info", original_basic),
            ("identity", {"identity": "employee"}),
            (
                "registration-info",
                {
                    "id_type": "resident_id",
                    "id_number": resident_id(),
                    "work_unit": "示例电子商务有限公司",
                    "years_worked": 9,
                },
            ),
            ("condition", {"condition_code": "L1-A"}),
        ):
            response = await kit.put(headers, application_id, step, body)
            assert response.status_code == 200, (step, response.text)
        await kit.upload(headers, application_id, "photo", jpeg_between(45, 75))
        await kit.upload(
            headers, application_id, "application_form", b"%PDF-1.4\n%%EOF\n", "application/pdf"
        )
        submitted = await kit.submit(headers, application_id)
        assert submitted.status_code == 200, submitted.text
        shown = await kit.get(headers, application_id)
        assert shown["basic_info"]["assessment_category"] == "考核鉴定"
        [event] = await harness.outbox(SUBMITTED)
        assert isinstance(event, ApplicationSubmitted)
        assert (event.prior_certificate, event.work_history, event.total_work_months) == (
            None,
            [],
            None,
        )


class TestSubmitPath:
    async def test_submit_runs_a_fixed_handful_of_statements(
        self, kit: Kit, harness: ServiceHarness
    ):
        """The submit is benchmarked: application and plan in one query, documents in one, three
        plain writes; the same count whatever the number of documents or work periods, and
        nothing read again for the answer (a receipt)."""
        headers, application_id = await draft(kit)
        await kit.fill(headers, application_id, condition="L1-A")
        await kit.upload(headers, application_id, "photo", jpeg_between(45, 75))
        await kit.upload(
            headers, application_id, "application_form", b"%PDF-1.4\n%%EOF\n", "application/pdf"
        )
        statements: list[str] = []

        def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            # The outbox relay polls on the same engine; its statements are not the submit's.
            if "SKIP LOCKED" in statement.upper() or statement.lstrip().upper().startswith(
                ("UPDATE OUTBOX", "DELETE FROM OUTBOX")
            ):
                return
            statements.append(statement.split()[0].upper())

        engine = harness.ctx.engine.sync_engine
        event.listen(engine, "before_cursor_execute", count)
        try:
            submitted = await kit.submit(headers, application_id)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        assert submitted.status_code == 200, submitted.text
        writes = [s for s in statements if s in ("INSERT", "UPDATE")]
        # application update (with the roster lookup inside), history row, outbox row
        assert sorted(writes) == ["INSERT", "INSERT", "UPDATE"]
        # application + plan, accepted documents; the receipt needs nothing more
        assert statements.count("SELECT") == 2


class TestRosterInstitution:
    """The submission names the institution whose student roster (考生管理) holds the
    candidate, so only that institution's payment requests (缴费申请单) may cover it."""

    async def test_a_rostered_candidate_is_filed_under_the_institution(
        self, kit: Kit, harness: ServiceHarness
    ):
        imported = await upload(harness, csv_file(row(1, 证件号码=resident_id())))
        assert imported.status_code == 200, imported.text
        _, _, submitted = await kit.submitted_application()
        [event] = await harness.outbox(SUBMITTED)
        assert isinstance(event, ApplicationSubmitted)
        assert event.institution_id == SCHOOL
        async with harness.ctx.sessionmaker() as session:
            application = await session.get(Application, UUID(submitted["id"]))
        assert application is not None and application.institution_id == SCHOOL

    async def test_a_candidate_on_no_roster_is_filed_under_none(
        self, kit: Kit, harness: ServiceHarness
    ):
        # Another person on the roster does not make this candidate a student of the school.
        imported = await upload(harness, csv_file(row(1)))
        assert imported.status_code == 200, imported.text
        await kit.submitted_application()
        [event] = await harness.outbox(SUBMITTED)
        assert isinstance(event, ApplicationSubmitted)
        assert event.institution_id is None
