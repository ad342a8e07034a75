"""Institution payment requests over HTTP: import, list, detail, delete, confirm."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

import httpx
from sqlalchemy import func, select

from payment.orders.rules import OrderKind, OrderStatus
from payment.payment_requests.models import PaymentRequest, PaymentRequestItem
from skillcert.auth import Role
from skillcert.events import (
    ApplicationApproved,
    ApplicationWithdrawn,
    AuditRecorded,
    OrderPaid,
    PlanSubject,
)
from skillcert.testing import ServiceHarness, assert_problem
from tests.support import (
    FEE_FEN,
    REQUESTS,
    SCHOOL,
    Payable,
    id_number,
    orders,
    pay,
    plan_published,
    student,
)

OTHER_SCHOOL = "INST-002"
ORG = "ORG-DEMO"
PAID = OrderPaid.model_fields["type"].default


def csv_file(*lines: str) -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def xlsx_file(*rows: tuple[object, ...]) -> bytes:
    import io

    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class School:
    def __init__(self, harness: ServiceHarness) -> None:
        self.harness = harness
        self.plan_id: UUID = uuid4()
        self.students: list[ApplicationApproved] = []

    async def publish(self, fee_fen: int = FEE_FEN, subjects: int = 1) -> None:
        plan = plan_published(fee_fen=fee_fen).model_copy(
            update={
                "plan_id": self.plan_id,
                "subjects": [
                    PlanSubject(code=f"T{n}", name=f"科目{n}", method="computer")
                    for n in range(1, subjects + 1)
                ],
            }
        )
        await self.harness.deliver(plan)

    async def approve(
        self, name: str, serial: int, institution_id: str | None = SCHOOL
    ) -> ApplicationApproved:
        event = student(self.plan_id, name, serial, institution_id=institution_id)
        await self.harness.deliver(event)
        self.students.append(event)
        return event

    def headers(self, org_id: str = SCHOOL) -> dict[str, str]:
        return self.harness.headers(Role.INSTITUTION_ADMIN, org_id=org_id)

    async def upload(
        self, content: bytes, mode: str = "certificate", plan_id: Any = None, org_id: str = SCHOOL
    ) -> httpx.Response:
        assert self.harness.client is not None
        return await self.harness.client.post(
            REQUESTS,
            data={"plan_id": str(plan_id or self.plan_id), "mode": mode},
            files={"file": ("students.csv", content, "text/csv")},
            headers=self.headers(org_id),
        )

    async def confirm(self, request: dict[str, Any], request_no: str | None = None, org: str = ORG):  # type: ignore[no-untyped-def]
        assert self.harness.client is not None
        return await self.harness.client.post(
            f"{REQUESTS}/{request['request_id']}/confirm",
            json={"request_no": request_no or request["request_no"]},
            headers=self.harness.headers(Role.ORG_ADMIN, org_id=org),
        )


async def school_with_students(harness: ServiceHarness, subjects: int = 1) -> School:
    school = School(harness)
    await school.publish(subjects=subjects)
    await school.approve("张三", 1)
    await school.approve("李四", 2)
    return school


async def stored_requests(harness: ServiceHarness) -> int:
    async with harness.ctx.sessionmaker() as session:
        requests = await session.scalar(select(func.count()).select_from(PaymentRequest))
        items = await session.scalar(select(func.count()).select_from(PaymentRequestItem))
        return int(requests or 0) + int(items or 0)


def fields(problem: dict[str, Any]) -> dict[str, str]:
    return {e["field"]: e["message"] for e in problem["errors"]}


class TestTemplate:
    async def test_download_both_templates(self, harness: ServiceHarness):
        assert harness.client is not None
        headers = harness.headers(Role.INSTITUTION_ADMIN, org_id=SCHOOL)
        by_subject = await harness.client.get(
            f"{REQUESTS}/template", params={"mode": "subject"}, headers=headers
        )
        assert by_subject.status_code == 200
        assert by_subject.headers["content-type"].startswith("text/csv")
        assert "attachment" in by_subject.headers["content-disposition"]
        assert by_subject.content.decode("utf-8-sig") == "身份证号,姓名,科目代码\r\n"
        by_certificate = await harness.client.get(f"{REQUESTS}/template", headers=headers)
        assert by_certificate.content.decode("utf-8-sig") == "身份证号,姓名\r\n"

    async def test_unknown_mode_is_422(self, harness: ServiceHarness):
        assert harness.client is not None
        response = await harness.client.get(
            f"{REQUESTS}/template",
            params={"mode": "per-head"},
            headers=harness.headers(Role.INSTITUTION_ADMIN, org_id=SCHOOL),
        )
        assert "query.mode" in fields(assert_problem(response, 422))

    async def test_candidate_is_403(self, harness: ServiceHarness):
        assert harness.client is not None
        response = await harness.client.get(
            f"{REQUESTS}/template", headers=harness.headers(Role.CANDIDATE)
        )
        assert_problem(response, 403)


class TestImport:
    async def test_excel_workbook_is_read_like_the_csv(self, harness: ServiceHarness):
        school = await school_with_students(harness)
        response = await school.upload(
            xlsx_file(
                ("身份证号", "姓名"), (id_number(1), "张三"), (None, None), (id_number(2), "李四")
            )
        )
        assert response.status_code == 201, response.text
        body = response.json()
        assert [i["candidate_name"] for i in body["items"]] == ["张三", "李四"]
        assert body["total_fen"] == 2 * FEE_FEN

    async def test_excel_bad_rows_report_their_excel_line_and_nothing_written(
        self, harness: ServiceHarness
    ):
        school = await school_with_students(harness)
        before = await stored_requests(harness)
        response = await school.upload(
            xlsx_file(("身份证号", "姓名"), (id_number(1), "张三"), ("123", "李四"))
        )
        assert_problem(response, 422, "rows[3].id_number")
        assert await stored_requests(harness) == before

    async def test_an_id_number_excel_rounded_is_refused_naming_the_cell(
        self, harness: ServiceHarness
    ):
        school = await school_with_students(harness)
        before = await stored_requests(harness)
        # Typed without the text format, Excel keeps 15 digits: 110101199003070000.0.
        rounded = float(id_number(1)[:15] + "000")
        response = await school.upload(
            xlsx_file(("身份证号", "姓名"), (rounded, "张三"), (id_number(2), "李四"))
        )
        errors = fields(assert_problem(response, 422))
        assert list(errors) == ["rows[2].id_number"]
        assert errors["rows[2].id_number"].startswith("第2行第A列（身份证号）：")
        assert "110101199003070000" in errors["rows[2].id_number"]
        assert "文本格式" in errors["rows[2].id_number"]
        assert await stored_requests(harness) == before

    async def test_broken_workbook_is_refused(self, harness: ServiceHarness):
        school = await school_with_students(harness)
        response = await school.upload(b"PK\x03\x04 not really a workbook")
        assert_problem(response, 422, "file")

    async def test_by_certificate_prices_each_student_at_the_plan_fee(
        self, harness: ServiceHarness
    ):
        school = await school_with_students(harness)
        response = await school.upload(
            csv_file("身份证号,姓名", f"{id_number(1)},张三", f"{id_number(2)},李四")
        )
        assert response.status_code == 201, response.text
        body = response.json()
        assert body["request_no"].startswith("JF") and len(body["request_no"]) == 18
        assert (body["mode"], body["status"]) == ("certificate", "draft")
        assert (body["item_count"], body["student_count"]) == (2, 2)
        assert body["total_fen"] == 2 * FEE_FEN
        assert (body["institution_id"], body["org_id"]) == (SCHOOL, ORG)
        first = body["items"][0]
        assert first["line"] == 2 and first["candidate_name"] == "张三"
        assert first["id_number"] == id_number(1)[:6] + "********" + id_number(1)[-4:]
        assert first["application_id"] == str(school.students[0].application_id)
        assert await harness.outbox() == []

    async def test_by_subject_prices_each_subject_as_its_share(self, harness: ServiceHarness):
        school = School(harness)
        await school.publish(fee_fen=10000, subjects=3)
        await school.approve("张三", 1)
        await school.approve("李四", 2)
        response = await school.upload(
            csv_file(
                "身份证号,姓名,科目代码",
                f"{id_number(1)},张三,T1",
                f"{id_number(1)},张三,T2",
                f"{id_number(1)},张三,T3",
                f"{id_number(2)},李四,T1",
            ),
            mode="subject",
        )
        assert response.status_code == 201, response.text
        body = response.json()
        assert [i["amount_fen"] for i in body["items"]] == [3334, 3333, 3333, 3334]
        assert body["total_fen"] == 10000 + 3334
        assert (body["item_count"], body["student_count"]) == (4, 2)

    async def test_every_bad_line_at_once_and_nothing_written(self, harness: ServiceHarness):
        school = await school_with_students(harness, subjects=2)
        paid = await school.approve("王五", 3)
        await pay(Payable(paid.application_id, paid.candidate_id, school.plan_id, harness))
        await school.approve("赵六", 4)
        await school.approve("孙七", 5)
        held = await school.upload(csv_file("身份证号,姓名", f"{id_number(5)},孙七"))
        assert held.status_code == 201
        before = await stored_requests(harness)

        response = await school.upload(
            csv_file(
                "身份证号,姓名,科目代码",
                f"{id_number(1)},张三,T1",  # fine
                f"{id_number(2)},李四四,T1",  # name differs
                f"{id_number(9)},无名,T1",  # no such application
                f"{id_number(3)},王五,T1",  # already paid
                f"{id_number(4)},赵六,T9",  # not a subject of the plan
                f"{id_number(5)},孙七,T1",  # in another request
                "110101199003070000,错号,T1",  # bad check digit
                f"{id_number(1)},张三,T1",  # repeated line
            ),
            mode="subject",
        )
        problem = assert_problem(response, 422)
        assert fields(problem) == {
            "rows[3].name": "姓名与报名信息不一致",
            "rows[4].id_number": "未找到该考生在此考试计划中审核通过的报名",
            "rows[5].id_number": "该考生已缴费",
            "rows[6].subject_code": "不是该考试计划的科目",
            "rows[7].id_number": f"该考生已列入缴费申请单 {held.json()['request_no']}",
            "rows[8].id_number": "身份证号不正确",
            "rows[9].subject_code": "该考生该科目与第 2 行重复",
        }
        assert problem["detail"] == "导入的数据有 7 处错误，请修改后重新导入"
        assert await stored_requests(harness) == before

    async def test_wrong_template_is_422_on_file(self, harness: ServiceHarness):
        school = await school_with_students(harness)
        response = await school.upload(csv_file("学号,姓名", "1,张三"))
        assert fields(assert_problem(response, 422)) == {
            "file": "表头缺少列：身份证号（请使用下载的模板）"
        }
        assert await stored_requests(harness) == 0

    async def test_unknown_plan_is_422_on_plan_id(self, harness: ServiceHarness):
        school = await school_with_students(harness)
        response = await school.upload(
            csv_file("身份证号,姓名", f"{id_number(1)},张三"), plan_id=uuid4()
        )
        assert "plan_id" in fields(assert_problem(response, 422))
        assert await stored_requests(harness) == 0

    async def test_missing_file_and_bad_mode_are_422(self, harness: ServiceHarness):
        school = await school_with_students(harness)
        assert harness.client is not None
        response = await harness.client.post(
            REQUESTS,
            data={"plan_id": str(school.plan_id), "mode": "per-head"},
            headers=school.headers(),
        )
        assert {"file", "mode"} <= set(fields(assert_problem(response, 422)))
        assert await stored_requests(harness) == 0

    async def test_candidate_cannot_import(self, harness: ServiceHarness):
        school = await school_with_students(harness)
        assert harness.client is not None
        response = await harness.client.post(
            REQUESTS,
            data={"plan_id": str(school.plan_id), "mode": "certificate"},
            files={"file": ("s.csv", csv_file("身份证号,姓名", f"{id_number(1)},张三"))},
            headers=harness.headers(Role.CANDIDATE),
        )
        assert_problem(response, 403)
        assert await stored_requests(harness) == 0

    async def test_a_student_in_a_request_cannot_pay_by_qr_code(self, harness: ServiceHarness):
        school = await school_with_students(harness)
        created = await school.upload(csv_file("身份证号,姓名", f"{id_number(1)},张三"))
        first = school.students[0]
        response = await Payable(
            first.application_id, first.candidate_id, school.plan_id, harness
        ).create_order()
        problem = assert_problem(response, 409)
        assert created.json()["request_no"] in problem["detail"]
        assert await orders(harness) == []


NOT_OURS = "该考生不是本院校的学员，不能列入本院校的缴费申请单"


class TestOwnStudentsOnly:
    """A request covers only the institution's own students: those whose approved
    application names it as the roster institution."""

    async def test_the_institutions_own_student_matches(self, harness: ServiceHarness):
        school = School(harness)
        await school.publish()
        mine = await school.approve("张三", 1)
        response = await school.upload(csv_file("身份证号,姓名", f"{id_number(1)},张三"))
        assert response.status_code == 201, response.text
        body = response.json()
        assert body["institution_id"] == SCHOOL
        assert [i["application_id"] for i in body["items"]] == [str(mine.application_id)]

    async def test_another_institutions_student_is_refused_and_nothing_written(
        self, harness: ServiceHarness
    ):
        school = School(harness)
        await school.publish()
        await school.approve("张三", 1)
        await school.approve("李四", 2, institution_id=OTHER_SCHOOL)
        await school.approve("王五", 3, institution_id=OTHER_SCHOOL)
        response = await school.upload(
            csv_file(
                "身份证号,姓名",
                f"{id_number(1)},张三",  # ours
                f"{id_number(2)},李四",  # theirs
                f"{id_number(3)},别名",  # theirs, and nothing more is told (not the name)
            )
        )
        problem = assert_problem(response, 422)
        assert fields(problem) == {"rows[3].id_number": NOT_OURS, "rows[4].id_number": NOT_OURS}
        assert await stored_requests(harness) == 0
        # Their own institution lists them.
        theirs = await school.upload(
            csv_file("身份证号,姓名", f"{id_number(2)},李四"), org_id=OTHER_SCHOOL
        )
        assert theirs.status_code == 201, theirs.text

    async def test_a_candidate_of_no_institution_is_refused(self, harness: ServiceHarness):
        school = School(harness)
        await school.publish()
        await school.approve("张三", 1, institution_id=None)
        response = await school.upload(csv_file("身份证号,姓名", f"{id_number(1)},张三"))
        assert fields(assert_problem(response, 422)) == {"rows[2].id_number": NOT_OURS}
        assert await stored_requests(harness) == 0


class TestReadAndDelete:
    async def test_institution_sees_its_own_and_the_organisation_those_of_its_plans(
        self, harness: ServiceHarness
    ):
        school = await school_with_students(harness)
        mine = (await school.upload(csv_file("身份证号,姓名", f"{id_number(1)},张三"))).json()
        assert harness.client is not None
        for headers in (school.headers(), harness.headers(Role.ORG_ADMIN, org_id=ORG)):
            listed = await harness.client.get(REQUESTS, headers=headers)
            assert [r["request_id"] for r in listed.json()["items"]] == [mine["request_id"]]
            detail = await harness.client.get(f"{REQUESTS}/{mine['request_id']}", headers=headers)
            assert detail.status_code == 200
            assert "********" in detail.json()["items"][0]["id_number"]
        for headers in (
            school.headers(OTHER_SCHOOL),
            harness.headers(Role.ORG_ADMIN, org_id="ORG-OTHER"),
        ):
            assert (await harness.client.get(REQUESTS, headers=headers)).json()["items"] == []
            assert_problem(
                await harness.client.get(f"{REQUESTS}/{mine['request_id']}", headers=headers), 404
            )

    async def test_a_draft_can_be_deleted_and_imported_again(self, harness: ServiceHarness):
        school = await school_with_students(harness)
        content = csv_file("身份证号,姓名", f"{id_number(1)},张三")
        first = (await school.upload(content)).json()
        assert harness.client is not None
        deleted = await harness.client.delete(
            f"{REQUESTS}/{first['request_id']}", headers=school.headers()
        )
        assert deleted.status_code == 204
        assert await stored_requests(harness) == 0
        again = await school.upload(content)
        assert again.status_code == 201
        assert again.json()["request_no"] != first["request_no"]

    async def test_another_institution_cannot_delete(self, harness: ServiceHarness):
        school = await school_with_students(harness)
        mine = (await school.upload(csv_file("身份证号,姓名", f"{id_number(1)},张三"))).json()
        assert harness.client is not None
        response = await harness.client.delete(
            f"{REQUESTS}/{mine['request_id']}", headers=school.headers(OTHER_SCHOOL)
        )
        assert_problem(response, 404)
        assert await stored_requests(harness) == 2


class TestConfirm:
    async def test_confirmation_locks_it_and_every_student_counts_as_paid(
        self, harness: ServiceHarness
    ):
        school = await school_with_students(harness)
        request = (
            await school.upload(
                csv_file("身份证号,姓名", f"{id_number(1)},张三", f"{id_number(2)},李四")
            )
        ).json()
        response = await school.confirm(request)
        assert response.status_code == 200, response.text
        assert response.json()["status"] == "confirmed"
        assert response.json()["confirmed_at"] is not None

        stored = await orders(harness)
        assert {o.application_id for o in stored} == {s.application_id for s in school.students}
        for order in stored:
            assert (order.kind, order.status) == (OrderKind.INSTITUTION, OrderStatus.PAID)
            assert order.provider_transaction_id == request["request_no"]
            assert order.amount_fen == FEE_FEN and order.announced
            assert order.out_trade_no.startswith("IN")
        events = await harness.outbox(PAID)
        assert len(events) == 2
        for event in events:
            assert isinstance(event, OrderPaid)
            assert event.provider_transaction_id == request["request_no"]
            assert event.order_id in {o.id for o in stored}
        # The organisation's decision is on the audit trail, naming the request.
        [entry] = await harness.outbox("audit.recorded.v1")
        assert isinstance(entry, AuditRecorded)
        assert (entry.kind, entry.action, entry.subject_id, entry.actor_org) == (
            "decision",
            "payment.payment_request.confirmed",
            request["request_id"],
            ORG,
        )
        assert request["request_no"] in entry.reason

        # Locked: no second confirmation, no deletion; the students cannot pay again.
        assert_problem(await school.confirm(request), 409)
        assert harness.client is not None
        deleted = await harness.client.delete(
            f"{REQUESTS}/{request['request_id']}", headers=school.headers()
        )
        assert_problem(deleted, 409)
        first = school.students[0]
        again = await Payable(
            first.application_id, first.candidate_id, school.plan_id, harness
        ).create_order()
        assert_problem(again, 409)
        assert len(await harness.outbox(PAID)) == 2

    async def test_wrong_request_number_is_422_and_nothing_written(self, harness: ServiceHarness):
        school = await school_with_students(harness)
        request = (await school.upload(csv_file("身份证号,姓名", f"{id_number(1)},张三"))).json()
        problem = assert_problem(await school.confirm(request, "JF2000010100000000"), 422)
        assert fields(problem) == {"request_no": "缴费单号与该缴费单不一致"}
        await self.assert_unconfirmed(harness)

    async def test_empty_request_number_is_422(self, harness: ServiceHarness):
        school = await school_with_students(harness)
        request = (await school.upload(csv_file("身份证号,姓名", f"{id_number(1)},张三"))).json()
        assert harness.client is not None
        response = await harness.client.post(
            f"{REQUESTS}/{request['request_id']}/confirm",
            json={"request_no": ""},
            headers=harness.headers(Role.ORG_ADMIN, org_id=ORG),
        )
        assert "request_no" in fields(assert_problem(response, 422))
        await self.assert_unconfirmed(harness)

    async def test_another_organisation_or_the_institution_cannot_confirm(
        self, harness: ServiceHarness
    ):
        school = await school_with_students(harness)
        request = (await school.upload(csv_file("身份证号,姓名", f"{id_number(1)},张三"))).json()
        assert_problem(await school.confirm(request, org="ORG-OTHER"), 404)
        assert harness.client is not None
        by_school = await harness.client.post(
            f"{REQUESTS}/{request['request_id']}/confirm",
            json={"request_no": request["request_no"]},
            headers=school.headers(),
        )
        assert_problem(by_school, 403)
        await self.assert_unconfirmed(harness)
        assert await harness.outbox("audit.recorded.v1") == []

    async def test_a_student_withdrawn_since_the_import_blocks_confirmation(
        self, harness: ServiceHarness
    ):
        school = await school_with_students(harness)
        request = (
            await school.upload(
                csv_file("身份证号,姓名", f"{id_number(1)},张三", f"{id_number(2)},李四")
            )
        ).json()
        gone = school.students[1]
        await harness.deliver(
            ApplicationWithdrawn(
                application_id=gone.application_id,
                candidate_id=gone.candidate_id,
                plan_id=gone.plan_id,
            )
        )
        problem = assert_problem(await school.confirm(request), 409)
        assert fields(problem) == {"items[3]": "李四的报名已撤回或已缴费，请删除后重新导入"}
        await self.assert_unconfirmed(harness)

    @staticmethod
    async def assert_unconfirmed(harness: ServiceHarness) -> None:
        async with harness.ctx.sessionmaker() as session:
            statuses = (await session.execute(select(PaymentRequest.status))).scalars().all()
        assert list(statuses) == ["draft"]
        assert await orders(harness) == []
        assert await harness.outbox(PAID) == []
