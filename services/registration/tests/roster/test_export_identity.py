"""批量导出 for 批量修改 (full ID numbers for the institution's own admins, recorded), and
人工确认 of a student's identity with its audit record."""

from __future__ import annotations

import csv
import io
from uuid import uuid4

import openpyxl
from sqlalchemy import update

from registration.roster.models import RosterStudent
from registration.roster.rules import HEADERS
from skillcert.auth import Role
from skillcert.testing import ServiceHarness, assert_problem
from tests.roster.support import (
    OTHER_SCHOOL,
    ROSTER,
    SCHOOL,
    client,
    csv_file,
    listed,
    row,
    school,
    stored,
    student_id,
    upload,
)

EXPORT = f"{ROSTER}/export"
AUDIT = f"{ROSTER.rsplit('/', 1)[0]}/audit-records"


async def audit(harness: ServiceHarness, org_id: str = SCHOOL) -> list[dict[str, object]]:
    response = await client(harness).get(AUDIT, headers=school(harness, org_id))
    assert response.status_code == 200, response.text
    items: list[dict[str, object]] = response.json()["items"]
    return items


def xlsx_rows(content: bytes) -> list[list[str | None]]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    return [[c.value for c in line] for line in sheet.iter_rows()]


class TestExport:
    async def test_xlsx_is_the_template_with_full_numbers(self, harness: ServiceHarness):
        trainee = row(2, 考生类型="社会考生", 就读专业="", 专业层次="", 入学年份="")
        await upload(harness, csv_file(row(1), trainee))
        response = await client(harness).get(EXPORT, headers=school(harness))
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
        assert response.headers["cache-control"] == "no-store"
        header, *lines = xlsx_rows(response.content)
        assert header == list(HEADERS)
        lines.sort(key=lambda line: str(line[0]))
        assert lines[0] == [
            "学生1", "XUE Sheng", "居民身份证", student_id(1), "13800000001",
            "物流管理", "高职专科", "2023", "院校考生",
        ]  # fmt: skip
        assert lines[1][3:5] == [student_id(2), "13800000002"]
        assert lines[1][5:] == [None, None, None, "社会考生"]

    async def test_exported_then_corrected_it_imports_back_as_批量修改(
        self, harness: ServiceHarness
    ):
        await upload(harness, csv_file(row(1), row(2)))
        exported = await client(harness).get(EXPORT, headers=school(harness))
        unchanged = await upload(harness, exported.content, filename="考生信息.xlsx")
        assert unchanged.json() == {"created": 0, "updated": 0, "unchanged": 2}
        workbook = openpyxl.load_workbook(io.BytesIO(exported.content))
        sheet = workbook.worksheets[0]
        [line] = [n for n in (2, 3) if sheet[f"D{n}"].value == student_id(2)]
        sheet[f"F{line}"] = "现代物流管理"  # 就读专业 of the second student
        corrected = io.BytesIO()
        workbook.save(corrected)
        response = await upload(harness, corrected.getvalue(), filename="考生信息.xlsx")
        assert response.json() == {"created": 0, "updated": 1, "unchanged": 1}
        majors = {s.id_number: s.major for s in await stored(harness)}
        assert majors == {student_id(1): "物流管理", student_id(2): "现代物流管理"}

    async def test_csv_and_the_type_filter(self, harness: ServiceHarness):
        trainee = row(2, 考生类型="社会考生", 就读专业="", 专业层次="", 入学年份="")
        await upload(harness, csv_file(row(1), trainee))
        response = await client(harness).get(
            EXPORT, params={"format": "csv", "student_type": "social"}, headers=school(harness)
        )
        assert response.headers["content-type"].startswith("text/csv")
        lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert [line[3] for line in lines] == ["证件号码", student_id(2)]
        again = await upload(harness, response.content)
        assert again.json() == {"created": 0, "updated": 0, "unchanged": 1}

    async def test_a_formula_typed_as_a_major_stays_text(self, harness: ServiceHarness):
        await upload(harness, csv_file(row(1, 就读专业='=HYPERLINK("x")')))
        response = await client(harness).get(EXPORT, headers=school(harness))
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
        assert sheet["F2"].data_type == "s"

    async def test_each_export_is_recorded(self, harness: ServiceHarness):
        await upload(harness, csv_file(row(1), row(2)))
        await client(harness).get(EXPORT, headers=school(harness))
        [record] = await audit(harness)
        assert record["action"] == "exported"
        assert record["action_label"] == "批量导出考生信息"
        assert record["student_count"] == 2
        assert record["actor_name"] == "test-institution_admin"
        assert await audit(harness, OTHER_SCHOOL) == []

    async def test_another_institution_exports_only_its_own(self, harness: ServiceHarness):
        await upload(harness, csv_file(row(1)))
        await upload(harness, csv_file(row(2)), org_id=OTHER_SCHOOL)
        response = await client(harness).get(EXPORT, headers=school(harness, OTHER_SCHOOL))
        assert [line[3] for line in xlsx_rows(response.content)[1:]] == [student_id(2)]

    async def test_other_roles_and_anonymous_get_nothing_and_nothing_is_recorded(
        self, harness: ServiceHarness
    ):
        await upload(harness, csv_file(row(1)))
        for role, org_id in (
            (Role.CANDIDATE, None),
            (Role.ORG_ADMIN, "ORG-DEMO"),
            (Role.PROVINCE_ADMIN, "370000"),
            (Role.INSTITUTION_HEAD, SCHOOL),
        ):
            response = await client(harness).get(EXPORT, headers=harness.headers(role, org_id))
            assert_problem(response, 403)
        assert_problem(await client(harness).get(EXPORT), 401)
        assert_problem(await client(harness).get(AUDIT), 401)
        candidate = await client(harness).get(AUDIT, headers=harness.headers(Role.CANDIDATE))
        assert_problem(candidate, 403)
        assert await audit(harness) == []

    async def test_the_list_keeps_masking(self, harness: ServiceHarness):
        await upload(harness, csv_file(row(1)))
        await client(harness).get(EXPORT, headers=school(harness))
        [item] = await listed(harness)
        assert item["id_number"] != student_id(1)
        assert "*" in item["id_number"] and "*" in item["phone"]


class TestIdentityConfirmation:
    @staticmethod
    async def confirm(
        harness: ServiceHarness, student: str, reason: object, headers: dict[str, str] | None = None
    ):
        return await client(harness).post(
            f"{ROSTER}/{student}/identity-confirmation",
            json={"reason": reason},
            headers=headers if headers is not None else school(harness),
        )

    async def test_a_failed_check_is_confirmed_with_who_when_and_why(self, harness: ServiceHarness):
        await upload(harness, csv_file(row(1)))
        async with harness.ctx.sessionmaker() as session:
            await session.execute(update(RosterStudent).values(identity_status="failed"))
            await session.commit()
        [student] = await listed(harness)
        assert (student["identity_status"], student["identity_status_label"]) == (
            "failed",
            "核验失败",
        )
        response = await self.confirm(harness, student["id"], "  照片模糊，已核对身份证原件  ")
        assert response.status_code == 200, response.text
        out = response.json()
        assert (out["identity_status"], out["identity_status_label"]) == ("confirmed", "已人工确认")
        assert out["identity_confirmed_by"] == "test-institution_admin"
        assert out["identity_confirmation_reason"] == "照片模糊，已核对身份证原件"
        assert out["identity_confirmed_at"]
        [record] = await audit(harness)
        assert (record["action"], record["student_id"], record["student_name"]) == (
            "identity_confirmed",
            student["id"],
            "学生1",
        )
        assert record["reason"] == "照片模糊，已核对身份证原件"

    async def test_an_unchecked_student_can_be_confirmed_but_not_twice(
        self, harness: ServiceHarness
    ):
        await upload(harness, csv_file(row(1)))
        [student] = await listed(harness)
        assert student["identity_status"] == "unchecked"
        assert (await self.confirm(harness, student["id"], "已核对原件")).status_code == 200
        again = await self.confirm(harness, student["id"], "再次确认")
        assert_problem(again, 409, detail="该考生已人工确认，无需人工确认")
        assert len(await audit(harness)) == 1

    async def test_a_passed_check_needs_no_confirmation(self, harness: ServiceHarness):
        await upload(harness, csv_file(row(1)))
        async with harness.ctx.sessionmaker() as session:
            await session.execute(update(RosterStudent).values(identity_status="passed"))
            await session.commit()
        [student] = await listed(harness)
        response = await self.confirm(harness, student["id"], "已核对原件")
        assert_problem(response, 409, detail="该考生核验通过，无需人工确认")

    async def test_a_reason_is_required(self, harness: ServiceHarness):
        await upload(harness, csv_file(row(1)))
        [student] = await listed(harness)
        for reason in ("", " 好 ", "长" * 201, None):
            response = await self.confirm(harness, student["id"], reason)
            assert_problem(response, 422, "reason")
        assert (await stored(harness))[0].identity_status == "unchecked"

    async def test_changing_the_name_asks_for_a_new_check(self, harness: ServiceHarness):
        await upload(harness, csv_file(row(1), row(2)))
        for student in await listed(harness):
            await self.confirm(harness, student["id"], "已核对原件")
        await upload(harness, csv_file(row(1, 姓名="学生壹"), row(2, 手机号码="13999999999")))
        statuses = {s.id_number: s.identity_status for s in await stored(harness)}
        assert statuses == {student_id(1): "unchecked", student_id(2): "confirmed"}

    async def test_another_institution_and_other_roles_cannot_confirm(
        self, harness: ServiceHarness
    ):
        await upload(harness, csv_file(row(1)))
        [student] = await listed(harness)
        other = await self.confirm(
            harness, student["id"], "已核对原件", school(harness, OTHER_SCHOOL)
        )
        assert_problem(other, 404, detail="考生不存在")
        for role, org_id in (
            (Role.CANDIDATE, None),
            (Role.ORG_ADMIN, "ORG-DEMO"),
            (Role.PROVINCE_ADMIN, "370000"),
        ):
            response = await self.confirm(
                harness, student["id"], "已核对原件", harness.headers(role, org_id)
            )
            assert_problem(response, 403)
        assert_problem(await self.confirm(harness, student["id"], "已核对原件", {}), 401)
        assert_problem(await self.confirm(harness, str(uuid4()), "已核对原件"), 404)
        assert (await stored(harness))[0].identity_status == "unchecked"
        assert await audit(harness) == []
