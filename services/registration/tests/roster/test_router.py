"""The student roster (考生管理) over HTTP: template, import, add, list, delete."""

from __future__ import annotations

import io
from uuid import uuid4

import openpyxl

from registration.roster.rules import HEADERS
from skillcert.auth import Role
from skillcert.clock import china_today
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
    stored_count,
    student_id,
    upload,
    xlsx_file,
)

CURRENT_YEAR = china_today().year
NEXT_YEAR = str(CURRENT_YEAR + 1)


def fields(body: dict[str, object]) -> list[str]:
    errors = body["errors"]
    assert isinstance(errors, list)
    return [e["field"] for e in errors]


class TestTemplate:
    async def test_csv_is_the_chinese_header_row(self, harness: ServiceHarness):
        response = await client(harness).get(f"{ROSTER}/template", headers=school(harness))
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/csv")
        assert "attachment" in response.headers["content-disposition"]
        assert response.content.decode("utf-8-sig") == (
            "姓名,姓名拼音,证件类型,证件号码,手机号码,就读专业,专业层次,入学年份,考生类型\r\n"
        )

    async def test_xlsx_opens_with_the_header_and_imports_once_filled(
        self, harness: ServiceHarness
    ):
        response = await client(harness).get(
            f"{ROSTER}/template", params={"format": "xlsx"}, headers=school(harness)
        )
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
        workbook = openpyxl.load_workbook(io.BytesIO(response.content))
        sheet = workbook.worksheets[0]
        assert [c.value for c in sheet[1]] == list(HEADERS)
        assert sheet.column_dimensions["D"].number_format == "@"  # 证件号码 kept as text
        sheet.append([row(1)[h] for h in HEADERS])
        filled = io.BytesIO()
        workbook.save(filled)
        imported = await upload(harness, filled.getvalue(), filename="模板.xlsx")
        assert imported.status_code == 200, imported.text
        assert imported.json() == {"created": 1, "updated": 0, "unchanged": 0}

    async def test_csv_template_imports_back_as_an_empty_file(self, harness: ServiceHarness):
        template = await client(harness).get(f"{ROSTER}/template", headers=school(harness))
        body = assert_problem(await upload(harness, template.content), 422)
        assert fields(body) == ["file"]  # the header is right, there is just no student

    async def test_unknown_format_is_422(self, harness: ServiceHarness):
        response = await client(harness).get(
            f"{ROSTER}/template", params={"format": "pdf"}, headers=school(harness)
        )
        assert fields(assert_problem(response, 422)) == ["query.format"]

    async def test_candidate_is_403(self, harness: ServiceHarness):
        response = await client(harness).get(
            f"{ROSTER}/template", headers=harness.headers(Role.CANDIDATE)
        )
        assert_problem(response, 403)


class TestImport:
    async def test_csv_puts_the_students_on_the_roster(self, harness: ServiceHarness):
        trainee = row(2, 考生类型="社会考生", 就读专业="", 专业层次="", 入学年份="", 证件类型="")
        response = await upload(harness, csv_file(row(1), trainee))
        assert response.status_code == 200, response.text
        assert response.json() == {"created": 2, "updated": 0, "unchanged": 0}
        rows = {s.id_number: s for s in await stored(harness)}
        school_student, social = rows[student_id(1)], rows[student_id(2)]
        assert school_student.institution_id == SCHOOL
        assert school_student.student_type == "institution"
        assert (school_student.major, school_student.major_level) == ("物流管理", "高职专科")
        assert school_student.enrolment_year == 2023
        assert school_student.phone == "13800000001"
        # a trainee (社会考生) has no studies; a blank ID type is the resident ID
        assert social.student_type == "social"
        assert (social.major, social.major_level, social.enrolment_year) == (None, None, None)
        assert social.id_type == "resident_id"

    async def test_gbk_csv_as_excel_saves_it_is_read(self, harness: ServiceHarness):
        response = await upload(harness, csv_file(row(1), encoding="gb18030"))
        assert response.status_code == 200, response.text
        assert (await stored(harness))[0].name == "学生1"

    async def test_xlsx_is_read_like_the_csv(self, harness: ServiceHarness):
        # Excel hands numbers back for phones and years typed without the text format.
        content = xlsx_file(
            row(1, 手机号码=13800000001, 入学年份=2023),
            {},  # a blank line in between is skipped
            row(2, 证件号码=student_id(2).lower(), 入学年份=2024.0),
        )
        response = await upload(harness, content, filename="students.xlsx")
        assert response.status_code == 200, response.text
        assert response.json()["created"] == 2
        rows = {s.id_number: s for s in await stored(harness)}
        assert rows[student_id(1)].phone == "13800000001"
        assert rows[student_id(2)].enrolment_year == 2024

    async def test_every_bad_cell_at_once_and_nothing_written(self, harness: ServiceHarness):
        assert (await upload(harness, csv_file(row(1)))).status_code == 200
        bad_checksum = student_id(3)[:-1] + ("0" if student_id(3)[-1] != "0" else "1")
        content = csv_file(
            row(1, 手机号码="13900000009"),  # an update that must not happen either
            row(2),
            row(3, 证件号码=bad_checksum),
            row(4, 手机号码="1380000000"),
            row(5, 入学年份=NEXT_YEAR),
            row(6, 证件号码=student_id(2)),  # line 3 has it already
            row(7, 姓名="", 专业层次="大专", 手机号码="12345"),
        )
        body = assert_problem(await upload(harness, content), 422)
        assert body["detail"] == "文件中有 7 处错误，未导入任何考生"
        errors = body["errors"]
        assert [(e["field"], e["message"]) for e in errors] == [
            ("rows[4].id_number", "第4行“证件号码”：身份证号码校验位不正确，请核对后重新输入"),
            ("rows[5].phone", "第5行“手机号码”：手机号码格式不正确，应为11位大陆手机号"),
            (
                "rows[6].enrolment_year",
                f"第6行“入学年份”：入学年份不能晚于当前年份（{CURRENT_YEAR}年）",
            ),
            ("rows[7].id_number", "第7行“证件号码”：与第3行的证件号码重复"),
            ("rows[8].name", "第8行“姓名”：此项为必填项"),
            ("rows[8].phone", "第8行“手机号码”：手机号码格式不正确，应为11位大陆手机号"),
            (
                "rows[8].major_level",
                "第8行“专业层次”：专业层次不是可选项，请从列表中选择（中职、高职专科、职业本科、本科）",
            ),
        ]
        students = await stored(harness)
        assert [(s.id_number, s.phone) for s in students] == [(student_id(1), "13800000001")]

    async def test_school_students_need_their_studies(self, harness: ServiceHarness):
        content = csv_file(row(1, 就读专业="", 专业层次="", 入学年份=""))
        body = assert_problem(await upload(harness, content), 422)
        assert fields(body) == ["rows[2].major", "rows[2].major_level", "rows[2].enrolment_year"]
        assert body["errors"][0]["message"] == "第2行“就读专业”：院校考生须填写此项"

    async def test_reimport_updates_the_students_already_on_the_roster(
        self, harness: ServiceHarness
    ):
        await upload(harness, csv_file(row(1), row(2)))
        before = {s.id_number: s for s in await stored(harness)}
        response = await upload(
            harness,
            csv_file(
                row(1, 手机号码="13912345678", 就读专业="现代物流管理"),
                row(2),
                row(3),
            ),
        )
        assert response.status_code == 200, response.text
        assert response.json() == {"created": 1, "updated": 1, "unchanged": 1}
        after = {s.id_number: s for s in await stored(harness)}
        assert len(after) == 3
        changed = after[student_id(1)]
        assert (changed.phone, changed.major) == ("13912345678", "现代物流管理")
        assert changed.id == before[student_id(1)].id
        assert changed.imported_at == before[student_id(1)].imported_at
        assert changed.updated_at > before[student_id(1)].updated_at
        assert after[student_id(2)].updated_at == before[student_id(2)].updated_at

    async def test_same_person_on_two_rosters(self, harness: ServiceHarness):
        for org_id in (SCHOOL, OTHER_SCHOOL):
            response = await upload(harness, csv_file(row(1)), org_id=org_id)
            assert response.json()["created"] == 1
        assert sorted(s.institution_id for s in await stored(harness)) == [SCHOOL, OTHER_SCHOOL]

    async def test_long_id_that_excel_made_a_number_is_refused(self, harness: ServiceHarness):
        content = xlsx_file(row(1, 证件号码=float(student_id(1)[:-1] + "0")))
        body = assert_problem(await upload(harness, content, filename="s.xlsx"), 422)
        assert fields(body) == ["rows[2].id_number"]
        assert "文本格式" in body["errors"][0]["message"]

    async def test_wrong_header_is_a_file_error(self, harness: ServiceHarness):
        content = xlsx_file(row(1), header=("姓名", "身份证号", "手机号码"))
        body = assert_problem(await upload(harness, content, filename="s.xlsx"), 422)
        assert fields(body) == ["file"]
        assert "姓名拼音" in body["errors"][0]["message"]

    async def test_broken_workbook_and_empty_file_are_refused(self, harness: ServiceHarness):
        for content in (b"PK\x03\x04 not a workbook", b""):
            assert fields(assert_problem(await upload(harness, content), 422)) == ["file"]
        assert await stored_count(harness) == 0

    async def test_other_roles_are_403(self, harness: ServiceHarness):
        for role in (Role.CANDIDATE, Role.ORG_ADMIN, Role.REVIEWER):
            headers = harness.headers(role, org_id="ORG-DEMO")
            assert_problem(await upload(harness, csv_file(row(1)), headers=headers), 403)
        assert await stored_count(harness) == 0


class TestAdd:
    @staticmethod
    def body(n: int = 1, **overrides: object) -> dict[str, object]:
        values: dict[str, object] = {
            "student_type": "institution",
            "name": "张三",
            "name_pinyin": "ZHANG San",
            "id_type": "resident_id",
            "id_number": student_id(n),
            "phone": "13812345678",
            "major": "物流管理",
            "major_level": "本科",
            "enrolment_year": 2022,
        }
        values.update(overrides)
        return values

    async def test_adds_one_student(self, harness: ServiceHarness):
        response = await client(harness).post(ROSTER, json=self.body(), headers=school(harness))
        assert response.status_code == 201, response.text
        out = response.json()
        assert out["student_type_label"] == "院校考生"
        assert out["id_type_label"] == "居民身份证"
        assert out["id_number"] == student_id(1)[:6] + "********" + student_id(1)[-4:]
        assert out["phone"] == "138****5678"
        assert [s.id_number for s in await stored(harness)] == [student_id(1)]

    async def test_a_student_already_on_the_roster_is_409(self, harness: ServiceHarness):
        headers = school(harness)
        assert (await client(harness).post(ROSTER, json=self.body(), headers=headers)).is_success
        again = await client(harness).post(ROSTER, json=self.body(name="张三丰"), headers=headers)
        assert_problem(again, 409)
        assert [s.name for s in await stored(harness)] == ["张三"]

    async def test_bad_fields_are_422_together(self, harness: ServiceHarness):
        response = await client(harness).post(
            ROSTER,
            json=self.body(phone="123", enrolment_year=int(NEXT_YEAR), major=None),
            headers=school(harness),
        )
        assert fields(assert_problem(response, 422)) == ["phone", "major", "enrolment_year"]
        assert await stored_count(harness) == 0

    async def test_candidate_is_403(self, harness: ServiceHarness):
        response = await client(harness).post(
            ROSTER, json=self.body(), headers=harness.headers(Role.CANDIDATE, account_id=uuid4())
        )
        assert_problem(response, 403)


class TestList:
    async def test_masks_id_number_and_phone(self, harness: ServiceHarness):
        await upload(harness, csv_file(row(1)))
        [item] = await listed(harness)
        assert item["id_number"] == student_id(1)[:6] + "********" + student_id(1)[-4:]
        assert item["phone"] == "138****0001"
        assert item["name"] == "学生1"
        assert item["student_type"] == "institution"

    async def test_pages_latest_first_and_filters_by_type(self, harness: ServiceHarness):
        for n in range(1, 4):
            await upload(harness, csv_file(row(n)))
        await upload(
            harness,
            csv_file(row(4, 考生类型="社会考生", 就读专业="", 专业层次="", 入学年份="")),
        )
        first = (
            await client(harness).get(ROSTER, params={"limit": 2}, headers=school(harness))
        ).json()
        assert first["next_cursor"]
        second = (
            await client(harness).get(
                ROSTER,
                params={"limit": 2, "cursor": first["next_cursor"]},
                headers=school(harness),
            )
        ).json()
        assert second["next_cursor"] is None
        names = [i["name"] for i in first["items"] + second["items"]]
        assert names == ["学生4", "学生3", "学生2", "学生1"]
        social = await listed(harness, student_type="social")
        assert [i["name"] for i in social] == ["学生4"]

    async def test_another_institution_sees_only_its_own(self, harness: ServiceHarness):
        await upload(harness, csv_file(row(1)))
        await upload(harness, csv_file(row(2)), org_id=OTHER_SCHOOL)
        assert [i["name"] for i in await listed(harness, OTHER_SCHOOL)] == ["学生2"]
        assert [i["name"] for i in await listed(harness)] == ["学生1"]

    async def test_candidate_and_org_admin_are_403(self, harness: ServiceHarness):
        for headers in (
            harness.headers(Role.CANDIDATE, account_id=uuid4()),
            harness.headers(Role.ORG_ADMIN, org_id="ORG-DEMO"),
        ):
            assert_problem(await client(harness).get(ROSTER, headers=headers), 403)

    async def test_bad_cursor_is_422(self, harness: ServiceHarness):
        response = await client(harness).get(
            ROSTER, params={"cursor": "nonsense"}, headers=school(harness)
        )
        assert fields(assert_problem(response, 422)) == ["cursor"]


class TestDelete:
    async def test_takes_the_student_off_the_roster(self, harness: ServiceHarness):
        await upload(harness, csv_file(row(1), row(2)))
        [latest, _] = await listed(harness)
        response = await client(harness).delete(f"{ROSTER}/{latest['id']}", headers=school(harness))
        assert response.status_code == 204
        assert len(await listed(harness)) == 1

    async def test_another_institution_cannot_delete(self, harness: ServiceHarness):
        await upload(harness, csv_file(row(1)))
        [student] = await listed(harness)
        response = await client(harness).delete(
            f"{ROSTER}/{student['id']}", headers=school(harness, OTHER_SCHOOL)
        )
        assert_problem(response, 404)
        assert await stored_count(harness) == 1

    async def test_candidate_is_403(self, harness: ServiceHarness):
        await upload(harness, csv_file(row(1)))
        [student] = await listed(harness)
        response = await client(harness).delete(
            f"{ROSTER}/{student['id']}", headers=harness.headers(Role.CANDIDATE)
        )
        assert_problem(response, 403)
        assert await stored_count(harness) == 1
