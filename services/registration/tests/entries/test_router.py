"""报考 over HTTP: templates, registering by certificate and by subject within the window and
the quota, every bad line reported with nothing written, deletion giving places back, and
every other caller refused."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import openpyxl

from registration.entries.rules import EntryMode
from registration.roster.models import RosterStudent
from skillcert.auth import Role
from skillcert.clock import format_china
from skillcert.events import (
    EntryDeleted,
    EntryRegistered,
    ExamPlanCancelled,
    PlanSubject,
)
from skillcert.testing import ServiceHarness, assert_problem
from tests.conftest import plan_event
from tests.entries.support import (
    ENTRIES,
    entry_count,
    entry_file,
    head,
    line,
    listed,
    send,
    setup,
    stored,
)
from tests.quotas.support import pilot_approved
from tests.roster.support import (
    OTHER_SCHOOL,
    SCHOOL,
    client,
    photo,
    row,
    school,
    student_id,
    upload_photos,
    zip_of,
)

CERT = EntryMode.CERTIFICATE
SUBJ = EntryMode.SUBJECT


def fields(body: dict[str, object]) -> list[str]:
    errors = body["errors"]
    assert isinstance(errors, list)
    return [e["field"] for e in errors]


async def quota_of(harness: ServiceHarness, org_id: str = SCHOOL) -> dict[str, object]:
    response = await client(harness).get(f"{ENTRIES}/plans", headers=school(harness, org_id))
    assert response.status_code == 200, response.text
    [plan] = response.json()
    quota: dict[str, object] = plan["quota"]
    return quota


class TestTemplate:
    async def test_csv_headers_by_mode(self, harness: ServiceHarness):
        for mode, header in (
            (CERT, "姓名,证件号码,参考对象"),
            (SUBJ, "姓名,证件号码,科目代码,参考对象"),
        ):
            response = await client(harness).get(
                f"{ENTRIES}/template", params={"mode": mode.value}, headers=school(harness)
            )
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/csv")
            assert response.content.decode("utf-8-sig") == header + "\r\n"

    async def test_xlsx_template_keeps_ids_as_text_and_imports_once_filled(
        self, harness: ServiceHarness
    ):
        plan = await setup(harness, students=1)
        response = await client(harness).get(
            f"{ENTRIES}/template",
            params={"mode": "certificate", "format": "xlsx"},
            headers=head(harness),
        )
        assert response.status_code == 200
        workbook = openpyxl.load_workbook(io.BytesIO(response.content))
        sheet = workbook.worksheets[0]
        assert [c.value for c in sheet[1]] == ["姓名", "证件号码", "参考对象"]
        assert sheet.column_dimensions["B"].number_format == "@"
        sheet.append([row(1)["姓名"], row(1)["证件号码"]])
        filled = io.BytesIO()
        workbook.save(filled)
        imported = await send(harness, plan.plan_id, filled.getvalue())
        assert imported.status_code == 200, imported.text
        assert imported.json()["registered"] == 1


class TestRegister:
    async def test_by_certificate_registers_every_subject_and_uses_places(
        self, harness: ServiceHarness
    ):
        plan = await setup(harness, students=3, headcount=20)
        response = await send(harness, plan.plan_id, entry_file(CERT, line(1), line(2)))
        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["registered"], body["subjects_added"]) == (2, 0)
        assert body["quota"] == {
            **body["quota"],
            "approved_headcount": 20,
            "used": 2,
            "remaining": 18,
            "certificate_code": plan.occupation_code,
        }
        entries = await stored(harness)
        assert sorted(e.subject_codes for e in entries) == [["T", "P"], ["T", "P"]]
        assert {e.institution_id for e in entries} == {SCHOOL}
        [item, _] = await listed(harness, plan.plan_id)
        assert "*" in item["id_number"]  # masked
        assert [s["name"] for s in item["subjects"]] == ["理论知识", "操作技能"]

    async def test_each_new_registration_becomes_payable_for_the_institution(
        self, harness: ServiceHarness
    ):
        plan = await setup(harness, students=1)
        response = await send(harness, plan.plan_id, entry_file(CERT, line(1)))
        assert response.status_code == 200, response.text
        [entry] = await stored(harness)
        [event] = await harness.outbox("registration.entry.registered.v1")
        assert isinstance(event, EntryRegistered)
        assert (event.entry_id, event.plan_id, event.institution_id) == (
            entry.id,
            plan.plan_id,
            SCHOOL,
        )
        assert (event.student_id, event.student_name, event.id_number) == (
            entry.student_id,
            row(1)["姓名"],
            student_id(1),
        )
        assert event.subject_codes == ["T", "P"]
        async with harness.ctx.sessionmaker() as session:
            student = await session.get(RosterStudent, entry.student_id)
        assert student is not None and student.photo_key is not None
        assert (event.photo_key, event.photo_content_type) == (
            student.photo_key,
            student.photo_content_type,
        )
        # review's contract is review's: registration no longer speaks for it
        assert await harness.outbox("review.application.approved.v1") == []

    async def test_by_subject_then_another_subject_uses_one_place(self, harness: ServiceHarness):
        plan = await setup(harness, students=2)
        first = await send(
            harness, plan.plan_id, entry_file(SUBJ, line(1, "T"), line(2, "P")), SUBJ
        )
        assert first.status_code == 200, first.text
        assert first.json()["quota"]["used"] == 2
        more = await send(harness, plan.plan_id, entry_file(SUBJ, line(1, "P")), SUBJ)
        assert more.status_code == 200, more.text
        assert (more.json()["registered"], more.json()["subjects_added"]) == (0, 1)
        assert more.json()["quota"]["used"] == 2
        by_id = {e.id_number: e.subject_codes for e in await stored(harness)}
        assert by_id == {student_id(1): ["T", "P"], student_id(2): ["P"]}
        assert len(await harness.outbox("registration.entry.registered.v1")) == 2

    async def test_the_head_registers_too(self, harness: ServiceHarness):
        plan = await setup(harness, students=1)
        response = await send(
            harness, plan.plan_id, entry_file(CERT, line(1)), headers=head(harness)
        )
        assert response.status_code == 200, response.text

    async def test_every_bad_line_is_reported_and_nothing_written(self, harness: ServiceHarness):
        plan = await setup(harness, students=3)
        assert (
            await send(harness, plan.plan_id, entry_file(SUBJ, line(3, "T")), SUBJ)
        ).status_code == 200
        content = entry_file(
            SUBJ,
            line(1, "T"),  # line 2: fine
            line(50, "T"),  # 3: not on the roster
            line(2, "T", 姓名="李四"),  # 4: name differs from the roster
            line(1, "T"),  # 5: same line again
            line(2, "X"),  # 6: no such subject
            line(3, "T"),  # 7: already registered for the subject
            line(2, "", 姓名=""),  # 8: blanks
        )
        body = assert_problem(
            await send(harness, plan.plan_id, content, SUBJ),
            422,
            messages={
                "rows[3].id_number": "第3行“证件号码”：本院校考生名单中没有该证件号码的考生，"
                "请先在考生管理中导入",
                "rows[7].subject_code": "第7行“科目代码”：该考生已报考此科目",
            },
        )
        assert fields(body) == [
            "rows[3].id_number",
            "rows[4].name",
            "rows[5].id_number",
            "rows[6].subject_code",
            "rows[7].subject_code",
            "rows[8].name",
            "rows[8].subject_code",
        ]
        assert "T 理论知识" in body["errors"][3]["message"]
        assert await entry_count(harness) == 1
        assert len(await harness.outbox("registration.entry.registered.v1")) == 1

    async def test_a_student_without_a_checked_photo_is_refused(self, harness: ServiceHarness):
        plan = await setup(harness, students=2, without_photo={2})
        body = assert_problem(
            await send(harness, plan.plan_id, entry_file(CERT, line(1), line(2))),
            422,
            "rows[3].id_number",
            messages={
                "rows[3].id_number": "第3行“证件号码”：考生照片未导入或未通过检查，不能报考或发证"
            },
        )
        assert body["detail"] == "文件中有 1 处错误，未报考任何考生"
        assert await entry_count(harness) == 0
        image = photo()
        imported = await upload_photos(harness, zip_of({f"{student_id(2)}.jpg": image}))
        assert imported.status_code == 200, imported.text
        response = await send(harness, plan.plan_id, entry_file(CERT, line(1), line(2)))
        assert response.status_code == 200, response.text

    async def test_a_student_registered_by_certificate_is_refused_again(
        self, harness: ServiceHarness
    ):
        plan = await setup(harness, students=1)
        await send(harness, plan.plan_id, entry_file(CERT, line(1)))
        body = assert_problem(await send(harness, plan.plan_id, entry_file(CERT, line(1))), 422)
        assert fields(body) == ["rows[2].id_number"]
        assert "已报考" in body["errors"][0]["message"]

    async def test_past_the_quota_the_lines_over_it_are_reported_with_the_places_left(
        self, harness: ServiceHarness
    ):
        plan = await setup(harness, students=5, headcount=3)
        assert (await send(harness, plan.plan_id, entry_file(CERT, line(1)))).status_code == 200
        body = assert_problem(
            await send(harness, plan.plan_id, entry_file(CERT, line(2), line(3), line(4), line(5))),
            422,
            "rows[4].id_number",
            "rows[5].id_number",
        )
        year = datetime.now(UTC).astimezone().year
        assert body["errors"][0]["message"].endswith(
            f"超出指标：电子商务师 {pilot_approved().year}年度指标剩余 2 人，本次需新增 4 人"
        )
        assert year  # the message names the China-time year of the quota
        assert await entry_count(harness) == 1
        assert (await quota_of(harness))["remaining"] == 2

    async def test_a_quota_of_zero_refuses_every_new_student(self, harness: ServiceHarness):
        plan = await setup(harness, students=1, headcount=0)
        body = assert_problem(
            await send(harness, plan.plan_id, entry_file(CERT, line(1))), 422, "rows[2].id_number"
        )
        assert "剩余 0 人" in body["errors"][0]["message"]

    async def test_a_lowered_quota_refuses_more_and_shows_none_left(self, harness: ServiceHarness):
        plan = await setup(harness, students=3, headcount=3)
        await send(harness, plan.plan_id, entry_file(CERT, line(1), line(2)))
        await harness.deliver(
            pilot_approved(1, decided_at=datetime.now(UTC) + timedelta(seconds=1))
        )
        assert_problem(await send(harness, plan.plan_id, entry_file(CERT, line(3))), 422)
        quota = await quota_of(harness)
        assert (quota["approved_headcount"], quota["used"], quota["remaining"]) == (1, 2, 0)

    async def test_without_a_quota_for_the_certificate_it_is_refused(self, harness: ServiceHarness):
        plan = await setup(harness, students=1, occupation_code="4-04-05-03")
        body = assert_problem(
            await send(harness, plan.plan_id, entry_file(CERT, line(1))), 422, "plan_id"
        )
        assert "没有" in body["errors"][0]["message"]
        assert await entry_count(harness) == 0

    async def test_a_quota_of_another_year_does_not_count(self, harness: ServiceHarness):
        event = pilot_approved(20)
        plan = await setup(harness, students=1, headcount=0)
        await harness.deliver(pilot_approved(20, year=event.year - 1, decision_id=uuid4()))
        assert_problem(await send(harness, plan.plan_id, entry_file(CERT, line(1))), 422)

    async def test_outside_the_window_it_is_refused_with_the_window_in_china_time(
        self, harness: ServiceHarness
    ):
        now = datetime.now(UTC).replace(microsecond=0)
        opens, closes = now + timedelta(days=1), now + timedelta(days=3)
        early = await setup(
            harness, students=1, registration_opens_at=opens, registration_closes_at=closes
        )
        body = assert_problem(
            await send(harness, early.plan_id, entry_file(CERT, line(1))), 422, "plan_id"
        )
        assert f"{format_china(opens)} 至 {format_china(closes)}" in body["errors"][0]["message"]
        late = await setup(
            harness,
            students=0,
            registration_opens_at=now - timedelta(days=3),
            registration_closes_at=now - timedelta(seconds=1),
        )
        assert_problem(await send(harness, late.plan_id, entry_file(CERT, line(1))), 422, "plan_id")
        assert await entry_count(harness) == 0

    async def test_a_cancelled_plan_is_refused(self, harness: ServiceHarness):
        plan = await setup(harness, students=1)
        await harness.deliver(
            ExamPlanCancelled(plan_id=plan.plan_id, org_id=plan.org_id, reason="考点调整")
        )
        body = assert_problem(
            await send(harness, plan.plan_id, entry_file(CERT, line(1))), 422, "plan_id"
        )
        assert "取消" in body["errors"][0]["message"]

    async def test_a_cancelled_plan_gives_its_places_back(self, harness: ServiceHarness):
        plan = await setup(harness, students=2, headcount=1)
        assert (await send(harness, plan.plan_id, entry_file(CERT, line(1)))).status_code == 200
        other = plan_event()
        await harness.deliver(other)
        assert_problem(await send(harness, other.plan_id, entry_file(CERT, line(2))), 422)
        await harness.deliver(
            ExamPlanCancelled(plan_id=plan.plan_id, org_id=plan.org_id, reason="考点调整")
        )
        response = await send(harness, other.plan_id, entry_file(CERT, line(2)))
        assert response.status_code == 200, response.text
        assert response.json()["quota"]["used"] == 1

    async def test_an_unknown_plan_is_refused(self, harness: ServiceHarness):
        await setup(harness, students=1)
        assert_problem(await send(harness, uuid4(), entry_file(CERT, line(1))), 422, "plan_id")

    async def test_an_empty_or_wrong_file_is_refused_on_file(self, harness: ServiceHarness):
        plan = await setup(harness, students=1)
        assert_problem(await send(harness, plan.plan_id, entry_file(CERT)), 422, "file")
        assert_problem(await send(harness, plan.plan_id, b"a,b\r\n1,2\r\n"), 422, "file")
        # a by-certificate file sent as by subject lacks the subject column
        assert_problem(
            await send(harness, plan.plan_id, entry_file(CERT, line(1)), SUBJ), 422, "file"
        )


GROUPS = ["电子商务方向", "网络营销方向"]


def audience_plan(**overrides: object) -> dict[str, object]:
    """Plan subjects: T for all candidates (所有考生), P for the two groups (参考对象)."""
    return {
        "subjects": [
            PlanSubject(code="T", name="理论知识", method="computer"),
            PlanSubject(code="P", name="操作技能", method="practical", audience=GROUPS),
        ],
        **overrides,
    }


class TestAudience:
    async def test_by_subject_a_subject_with_groups_needs_one_of_them(
        self, harness: ServiceHarness
    ):
        plan = await setup(harness, students=3, **audience_plan())
        content = entry_file(
            SUBJ,
            line(1, "P"),  # line 2: no 参考对象
            line(2, "P", 参考对象="物流方向"),  # 3: not a group of P
            line(3, "P", 参考对象="网络营销方向"),  # 4: fine
        )
        body = assert_problem(
            await send(harness, plan.plan_id, content, SUBJ),
            422,
            messages={
                "rows[2].audience": "第2行“参考对象”：该科目须填写参考对象"
                "（可选：电子商务方向、网络营销方向）",
                "rows[3].audience": "第3行“参考对象”：不是该科目的参考对象"
                "（可选：电子商务方向、网络营销方向）",
            },
        )
        assert fields(body) == ["rows[2].audience", "rows[3].audience"]
        assert await entry_count(harness) == 0
        assert await harness.outbox("registration.entry.registered.v1") == []

    async def test_by_subject_the_right_group_is_registered_stored_listed_and_published(
        self, harness: ServiceHarness
    ):
        plan = await setup(harness, students=1, **audience_plan())
        content = entry_file(SUBJ, line(1, "P", 参考对象=" 网络营销方向 "))
        response = await send(harness, plan.plan_id, content, SUBJ)
        assert response.status_code == 200, response.text
        [entry] = await stored(harness)
        assert (entry.subject_codes, entry.audience) == (["P"], "网络营销方向")
        [item] = await listed(harness, plan.plan_id)
        assert item["audience"] == "网络营销方向"
        [event] = await harness.outbox("registration.entry.registered.v1")
        assert isinstance(event, EntryRegistered) and event.audience == "网络营销方向"

    async def test_a_subject_for_all_candidates_needs_none_and_ignores_one(
        self, harness: ServiceHarness
    ):
        plan = await setup(harness, students=2, **audience_plan())
        content = entry_file(SUBJ, line(1, "T"), line(2, "T", 参考对象="随便写的"))
        response = await send(harness, plan.plan_id, content, SUBJ)
        assert response.status_code == 200, response.text
        assert [e.audience for e in await stored(harness)] == [None, None]
        [item, _] = await listed(harness, plan.plan_id)
        assert item["audience"] is None

    async def test_by_certificate_a_subject_with_groups_needs_one_of_them(
        self, harness: ServiceHarness
    ):
        plan = await setup(harness, students=3, **audience_plan())
        content = entry_file(CERT, line(1), line(2, 参考对象="物流方向"))
        body = assert_problem(
            await send(harness, plan.plan_id, content), 422, "rows[2].audience", "rows[3].audience"
        )
        assert body["errors"][0]["code"] == "missing"
        assert body["errors"][1]["code"] == "unknown_audience"
        assert await entry_count(harness) == 0
        ok = await send(harness, plan.plan_id, entry_file(CERT, line(3, 参考对象="电子商务方向")))
        assert ok.status_code == 200, ok.text
        [entry] = await stored(harness)
        assert (entry.subject_codes, entry.audience) == (["T", "P"], "电子商务方向")

    async def test_by_certificate_the_group_must_be_one_of_every_such_subject(
        self, harness: ServiceHarness
    ):
        subjects = [
            PlanSubject(code="T", name="理论知识", method="computer", audience=GROUPS),
            PlanSubject(code="P", name="操作技能", method="practical", audience=["电子商务方向"]),
        ]
        plan = await setup(harness, students=1, subjects=subjects)
        content = entry_file(CERT, line(1, 参考对象="网络营销方向"))
        assert_problem(
            await send(harness, plan.plan_id, content),
            422,
            messages={
                "rows[2].audience": "第2行“参考对象”：不是该科目的参考对象（可选：电子商务方向）"
            },
        )

    async def test_a_student_sits_a_plan_as_one_group(self, harness: ServiceHarness):
        subjects = [
            PlanSubject(code="T", name="理论知识", method="computer", audience=GROUPS),
            PlanSubject(code="P", name="操作技能", method="practical", audience=GROUPS),
        ]
        plan = await setup(harness, students=1, subjects=subjects)
        first = entry_file(SUBJ, line(1, "T", 参考对象="电子商务方向"))
        assert (await send(harness, plan.plan_id, first, SUBJ)).status_code == 200
        other = entry_file(SUBJ, line(1, "P", 参考对象="网络营销方向"))
        assert_problem(
            await send(harness, plan.plan_id, other, SUBJ),
            422,
            messages={
                "rows[2].audience": "第2行“参考对象”：与该考生已填写的参考对象“电子商务方向”不一致"
            },
        )
        same = entry_file(SUBJ, line(1, "P", 参考对象="电子商务方向"))
        assert (await send(harness, plan.plan_id, same, SUBJ)).status_code == 200
        [entry] = await stored(harness)
        assert (entry.subject_codes, entry.audience) == (["T", "P"], "电子商务方向")

    async def test_a_file_without_the_column_still_imports_for_all_candidates(
        self, harness: ServiceHarness
    ):
        plan = await setup(harness, students=1)
        content = f"姓名,证件号码\r\n{row(1)['姓名']},{row(1)['证件号码']}\r\n".encode()
        response = await send(harness, plan.plan_id, content)
        assert response.status_code == 200, response.text
        assert response.json()["registered"] == 1

    async def test_the_plan_list_shows_the_subjects_groups(self, harness: ServiceHarness):
        await setup(harness, students=0, **audience_plan())
        response = await client(harness).get(f"{ENTRIES}/plans", headers=school(harness))
        assert response.status_code == 200, response.text
        [plan] = response.json()
        assert [s["audience"] for s in plan["subjects"]] == [[], GROUPS]


class TestDelete:
    async def test_by_certificate_deletes_and_gives_the_place_back(self, harness: ServiceHarness):
        plan = await setup(harness, students=2, headcount=2)
        await send(harness, plan.plan_id, entry_file(CERT, line(1), line(2)))
        [gone] = [e for e in await stored(harness) if e.id_number == student_id(1)]
        response = await send(harness, plan.plan_id, entry_file(CERT, line(1)), delete=True)
        assert response.status_code == 200, response.text
        assert response.json()["deleted"] == 1
        assert response.json()["quota"]["remaining"] == 1
        [event] = await harness.outbox("registration.entry.deleted.v1")
        assert isinstance(event, EntryDeleted)
        assert (event.entry_id, event.plan_id, event.institution_id, event.student_id) == (
            gone.id,
            plan.plan_id,
            SCHOOL,
            gone.student_id,
        )
        assert event.reason == "院校删除报考"
        assert await harness.outbox("registration.application.withdrawn.v1") == []
        # the place is free again
        again = await send(harness, plan.plan_id, entry_file(CERT, line(1)))
        assert again.status_code == 200, again.text

    async def test_by_subject_keeps_the_registration_until_its_last_subject(
        self, harness: ServiceHarness
    ):
        plan = await setup(harness, students=1)
        await send(harness, plan.plan_id, entry_file(CERT, line(1)))
        first = await send(harness, plan.plan_id, entry_file(SUBJ, line(1, "T")), SUBJ, delete=True)
        assert first.status_code == 200, first.text
        assert (first.json()["deleted"], first.json()["subjects_removed"]) == (0, 1)
        assert first.json()["quota"]["used"] == 1
        assert [e.subject_codes for e in await stored(harness)] == [["P"]]
        last = await send(harness, plan.plan_id, entry_file(SUBJ, line(1, "P")), SUBJ, delete=True)
        assert last.json()["deleted"] == 1
        assert last.json()["quota"]["used"] == 0
        assert await entry_count(harness) == 0

    async def test_lines_not_registered_are_reported_and_nothing_deleted(
        self, harness: ServiceHarness
    ):
        plan = await setup(harness, students=3)
        await send(harness, plan.plan_id, entry_file(SUBJ, line(1, "T"), line(2, "T")), SUBJ)
        content = entry_file(
            SUBJ, line(1, "T"), line(3, "T"), line(2, "P"), line(2, "T", 姓名="王五")
        )
        body = assert_problem(await send(harness, plan.plan_id, content, SUBJ, delete=True), 422)
        assert fields(body) == ["rows[3].id_number", "rows[4].subject_code", "rows[5].name"]
        assert await entry_count(harness) == 2
        assert await harness.outbox("registration.entry.deleted.v1") == []

    async def test_outside_the_window_deletion_is_refused(self, harness: ServiceHarness):
        plan = await setup(harness, students=1)
        await send(harness, plan.plan_id, entry_file(CERT, line(1)))
        now = datetime.now(UTC)
        await harness.deliver(
            plan.model_copy(
                update={
                    "event_id": uuid4(),
                    "occurred_at": now,
                    "registration_closes_at": now - timedelta(seconds=1),
                }
            )
        )
        assert_problem(
            await send(harness, plan.plan_id, entry_file(CERT, line(1)), delete=True),
            422,
            "plan_id",
        )
        assert await entry_count(harness) == 1


class TestOtherSide:
    async def test_another_institution_neither_sees_nor_deletes_nor_registers_ours(
        self, harness: ServiceHarness
    ):
        plan = await setup(harness, students=2)
        await harness.deliver(pilot_approved(20, institution_code=OTHER_SCHOOL))
        await send(harness, plan.plan_id, entry_file(CERT, line(1)))
        assert await listed(harness, plan.plan_id, org_id=OTHER_SCHOOL) == []
        deleted = await send(
            harness, plan.plan_id, entry_file(CERT, line(1)), delete=True, org_id=OTHER_SCHOOL
        )
        assert_problem(deleted, 422, "rows[2].id_number")
        registered = await send(
            harness, plan.plan_id, entry_file(CERT, line(2)), org_id=OTHER_SCHOOL
        )
        body = assert_problem(registered, 422, "rows[2].id_number")
        assert "考生名单中没有" in body["errors"][0]["message"]
        assert await entry_count(harness) == 1
        other_quota = await quota_of(harness, OTHER_SCHOOL)
        assert other_quota["used"] == 0

    async def test_a_student_another_institution_registered_is_refused(
        self, harness: ServiceHarness
    ):
        plan = await setup(harness, students=1)
        await send(harness, plan.plan_id, entry_file(CERT, line(1)))
        await setup(harness, students=1, org_id=OTHER_SCHOOL, plan_id=plan.plan_id)
        body = assert_problem(
            await send(harness, plan.plan_id, entry_file(CERT, line(1)), org_id=OTHER_SCHOOL), 422
        )
        assert "其他院校" in body["errors"][0]["message"]

    async def test_other_roles_are_403_and_anonymous_401(self, harness: ServiceHarness):
        plan = await setup(harness, students=1)
        content = entry_file(CERT, line(1))
        for role in (Role.CANDIDATE, Role.ORG_ADMIN, Role.PROVINCE_ADMIN, Role.REVIEWER):
            headers = harness.headers(role, org_id="ORG-DEMO", account_id=uuid4())
            assert_problem(
                await send(harness, plan.plan_id, content, headers=headers), 403, slug="forbidden"
            )
            assert_problem(
                await send(harness, plan.plan_id, content, delete=True, headers=headers),
                403,
                slug="forbidden",
            )
            for path in ("/quotas", "/exam-entries/plans", "/exam-entries/template"):
                url = f"{ENTRIES.removesuffix('/exam-entries')}{path}"
                assert_problem(
                    await client(harness).get(url, headers=headers), 403, slug="forbidden"
                )
        anonymous = await client(harness).post(
            f"{ENTRIES}/import",
            data={"plan_id": str(plan.plan_id), "mode": "certificate"},
            files={"file": ("entries.csv", content, "text/csv")},
        )
        assert_problem(anonymous, 401)
        assert_problem(
            await client(harness).get(ENTRIES, params={"plan_id": str(plan.plan_id)}), 401
        )
        assert await entry_count(harness) == 0


class TestPlansAndQuotas:
    async def test_plans_of_certificates_with_a_quota_with_used_and_left(
        self, harness: ServiceHarness
    ):
        plan = await setup(harness, students=2, headcount=5)
        await harness.deliver(
            # a plan of a certificate without a quota is not offered
            pilot_approved(5, certificate_code="X-1", decision_id=uuid4()).model_copy(
                update={"institution_code": OTHER_SCHOOL}
            )
        )
        await send(harness, plan.plan_id, entry_file(CERT, line(1)))
        response = await client(harness).get(f"{ENTRIES}/plans", headers=head(harness))
        assert response.status_code == 200, response.text
        [offered] = response.json()
        assert offered["plan_id"] == str(plan.plan_id)
        assert offered["window_open"] is True
        assert [s["code"] for s in offered["subjects"]] == ["T", "P"]
        assert (offered["quota"]["used"], offered["quota"]["remaining"]) == (1, 4)
        quotas = await client(harness).get(
            f"{ENTRIES.removesuffix('/exam-entries')}/quotas", headers=school(harness)
        )
        assert [(q["certificate_code"], q["used"]) for q in quotas.json()] == [
            (plan.occupation_code, 1)
        ]
        others = await client(harness).get(
            f"{ENTRIES.removesuffix('/exam-entries')}/quotas", headers=school(harness, OTHER_SCHOOL)
        )
        assert [q["certificate_code"] for q in others.json()] == ["X-1"]
