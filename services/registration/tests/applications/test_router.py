"""The candidate's side of an application, over HTTP against the real database."""

from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import func, select

from registration.applications.models import Application
from skillcert.auth import Role
from skillcert.events import ApplicationResubmitted, ApplicationSubmitted, ApplicationWithdrawn
from skillcert.testing import ServiceHarness, assert_problem
from tests.applications.test_consumers import approved, history, paid, scheduled, stored
from tests.applications.test_refunded import refunded
from tests.conftest import (
    API,
    BASIC_INFO,
    BIRTH,
    PRIOR_CERTIFICATE,
    REGISTRATION_INFO,
    Kit,
    jpeg_between,
    resident_id,
)

SUBMITTED = "registration.application.submitted.v1"
RESUBMITTED = "registration.application.resubmitted.v1"
WITHDRAWN = "registration.application.withdrawn.v1"


def fields(body: dict[str, Any]) -> list[str]:
    return [e["field"] for e in body["errors"]]


async def application_count(harness: ServiceHarness) -> int:
    async with harness.ctx.sessionmaker() as session:
        query = select(func.count()).select_from(Application)
        return int((await session.execute(query)).scalar_one())


class TestCreateApplication:
    async def test_creates_a_draft(self, kit: Kit):
        plan = await kit.open_plan()
        body = await kit.new_application(kit.candidate(), plan.plan_id)
        assert body["status"] == "draft"
        assert body["status_label"] == "草稿"
        assert body["revision"] == 0
        assert body["org_id"] == "ORG-DEMO"
        assert body["required_materials"] == ["photo"]
        assert body["steps"] == {
            "basic_info": False,
            "identity": False,
            "registration_info": False,
            "condition": False,
            "materials": False,
        }
        assert [h["to_status"] for h in body["status_history"]] == ["draft"]

    async def test_second_active_application_for_the_plan_is_409(
        self, kit: Kit, harness: ServiceHarness
    ):
        plan = await kit.open_plan()
        headers = kit.candidate()
        await kit.new_application(headers, plan.plan_id)
        response = await kit.client.post(
            f"{API}/applications", json={"plan_id": str(plan.plan_id)}, headers=headers
        )
        assert "重复报名" in assert_problem(response, 409)["detail"]
        assert await application_count(harness) == 1

    async def test_outside_the_registration_window_is_400(self, kit: Kit, harness: ServiceHarness):
        plan = await kit.open_plan()
        await kit.close_window(plan)
        response = await kit.client.post(
            f"{API}/applications", json={"plan_id": str(plan.plan_id)}, headers=kit.candidate()
        )
        assert assert_problem(response, 400)["type"].endswith("/rule-violation")
        assert await application_count(harness) == 0

    async def test_unknown_plan_is_404(self, kit: Kit):
        response = await kit.client.post(
            f"{API}/applications", json={"plan_id": str(uuid4())}, headers=kit.candidate()
        )
        assert_problem(response, 404)

    async def test_malformed_plan_id_is_422_with_field(self, kit: Kit):
        response = await kit.client.post(
            f"{API}/applications", json={"plan_id": "nope"}, headers=kit.candidate()
        )
        assert fields(assert_problem(response, 422)) == ["plan_id"]

    async def test_staff_cannot_apply(self, kit: Kit, harness: ServiceHarness):
        plan = await kit.open_plan()
        response = await kit.client.post(
            f"{API}/applications",
            json={"plan_id": str(plan.plan_id)},
            headers=harness.headers(Role.REVIEWER, org_id="ORG-DEMO"),
        )
        assert_problem(response, 403)


class TestSaveBasicInfo:
    async def test_saves_the_step(self, kit: Kit):
        headers = kit.candidate()
        application = await kit.new_application(headers, (await kit.open_plan()).plan_id)
        response = await kit.put(headers, application["id"], "basic-info", BASIC_INFO)
        assert response.status_code == 200
        assert response.json()["basic_info"]["mobile"] == "13812345678"
        assert response.json()["steps"]["basic_info"] is True

    async def test_bad_phone_postal_code_and_email_are_422_and_nothing_saved(self, kit: Kit):
        headers = kit.candidate()
        application = await kit.new_application(headers, (await kit.open_plan()).plan_id)
        bad = {**BASIC_INFO, "mobile": "12812345678", "postal_code": "1000", "email": "x@"}
        body = assert_problem(await kit.put(headers, application["id"], "basic-info", bad), 422)
        assert sorted(fields(body)) == ["email", "mobile", "postal_code"]
        messages = {e["field"]: e["message"] for e in body["errors"]}
        assert messages["mobile"] == "手机号码格式不正确，应为11位大陆手机号"
        assert messages["postal_code"] == "邮政编码应为6位数字"
        assert (await kit.get(headers, application["id"]))["basic_info"] is None

    async def test_birth_date_contradicting_the_saved_id_is_422(self, kit: Kit):
        headers = kit.candidate()
        application = await kit.new_application(headers, (await kit.open_plan()).plan_id)
        await kit.fill(headers, application["id"])
        changed = {**BASIC_INFO, "birth_date": "1991-03-07"}
        body = assert_problem(await kit.put(headers, application["id"], "basic-info", changed), 422)
        assert fields(body) == ["birth_date"]
        saved = await kit.get(headers, application["id"])
        assert saved["basic_info"]["birth_date"] == BIRTH.isoformat()

    async def test_someone_elses_application_is_404(self, kit: Kit):
        application = await kit.new_application(kit.candidate(), (await kit.open_plan()).plan_id)
        response = await kit.put(kit.candidate(), application["id"], "basic-info", BASIC_INFO)
        assert_problem(response, 404)

    async def test_outside_the_window_is_400(self, kit: Kit):
        headers = kit.candidate()
        plan = await kit.open_plan()
        application = await kit.new_application(headers, plan.plan_id)
        await kit.close_window(plan)
        assert_problem(await kit.put(headers, application["id"], "basic-info", BASIC_INFO), 400)
        assert (await kit.get(headers, application["id"]))["basic_info"] is None


class TestSaveIdentity:
    async def test_saves_the_step(self, kit: Kit):
        headers = kit.candidate()
        application = await kit.new_application(headers, (await kit.open_plan()).plan_id)
        response = await kit.put(headers, application["id"], "identity", {"identity": "employee"})
        assert response.json()["identity"] == "employee"

    async def test_unknown_identity_is_422(self, kit: Kit):
        headers = kit.candidate()
        application = await kit.new_application(headers, (await kit.open_plan()).plan_id)
        response = await kit.put(headers, application["id"], "identity", {"identity": "boss"})
        assert fields(assert_problem(response, 422)) == ["identity"]


class TestSaveRegistrationInfo:
    async def _application(self, kit: Kit) -> tuple[dict[str, str], str]:
        headers = kit.candidate()
        application = await kit.new_application(headers, (await kit.open_plan()).plan_id)
        await kit.put(headers, application["id"], "basic-info", BASIC_INFO)
        return headers, application["id"]

    async def test_saves_a_valid_resident_id(self, kit: Kit):
        headers, application_id = await self._application(kit)
        number = resident_id()
        response = await kit.put(
            headers,
            application_id,
            "registration-info",
            {**REGISTRATION_INFO, "id_number": number.lower()},
        )
        assert response.status_code == 200, response.text
        assert response.json()["registration_info"]["id_number"] == number

    async def test_wrong_checksum_is_422_on_id_number(self, kit: Kit):
        headers, application_id = await self._application(kit)
        number = resident_id()
        wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
        response = await kit.put(
            headers,
            application_id,
            "registration-info",
            {**REGISTRATION_INFO, "id_number": wrong},
        )
        body = assert_problem(response, 422)
        assert fields(body) == ["id_number"]
        assert "校验位" in body["errors"][0]["message"]
        assert (await kit.get(headers, application_id))["registration_info"] is None

    async def test_birth_date_mismatch_is_422_on_id_number(self, kit: Kit):
        headers, application_id = await self._application(kit)
        other_birth = BIRTH.replace(year=1985)
        response = await kit.put(
            headers,
            application_id,
            "registration-info",
            {**REGISTRATION_INFO, "id_number": resident_id(birth=other_birth)},
        )
        body = assert_problem(response, 422)
        assert [(e["field"], e["code"]) for e in body["errors"]] == [
            ("id_number", "birth_date_mismatch")
        ]
        assert "1985-03-07" in body["errors"][0]["message"]

    async def test_gender_mismatch_is_422_on_id_number(self, kit: Kit):
        headers, application_id = await self._application(kit)
        response = await kit.put(
            headers,
            application_id,
            "registration-info",
            {**REGISTRATION_INFO, "id_number": resident_id(male=False)},
        )
        assert [e["code"] for e in assert_problem(response, 422)["errors"]] == ["gender_mismatch"]

    async def test_negative_years_worked_is_422(self, kit: Kit):
        headers, application_id = await self._application(kit)
        response = await kit.put(
            headers,
            application_id,
            "registration-info",
            {**REGISTRATION_INFO, "years_worked": -1},
        )
        assert fields(assert_problem(response, 422)) == ["years_worked"]


class TestSaveCondition:
    async def test_condition_must_belong_to_the_plan(self, kit: Kit):
        headers = kit.candidate()
        application = await kit.new_application(headers, (await kit.open_plan()).plan_id)
        response = await kit.put(
            headers, application["id"], "condition", {"condition_code": "NOT-IN-PLAN"}
        )
        assert fields(assert_problem(response, 422)) == ["condition_code"]
        assert (await kit.get(headers, application["id"]))["condition_code"] is None

    async def test_the_condition_decides_the_materials(self, kit: Kit):
        headers = kit.candidate()
        application = await kit.new_application(headers, (await kit.open_plan()).plan_id)
        response = await kit.put(
            headers,
            application["id"],
            "condition",
            {"condition_code": "L1-A", "prior_certificate": PRIOR_CERTIFICATE},
        )
        assert response.json()["required_materials"] == ["photo", "application_form"]


class TestSubmit:
    async def test_first_submission_records_submitted_with_candidate_data(
        self, kit: Kit, harness: ServiceHarness
    ):
        headers, plan, body = await kit.submitted_application()
        assert body["status"] == "submitted" and body["status_label"] == "审核中"
        assert body["revision"] == 1 and body["submitted_at"] is not None
        shown = await kit.get(headers, body["id"])
        [event] = await harness.outbox(SUBMITTED)
        assert isinstance(event, ApplicationSubmitted)
        assert event.application_id.hex == body["id"].replace("-", "")
        assert event.org_id == "ORG-DEMO"
        assert event.plan_id == plan.plan_id
        assert (event.candidate_name, event.id_number, event.phone) == (
            "张三",
            resident_id(),
            "13812345678",
        )
        assert event.condition_code == "L1-B" and event.years_worked == 6
        [photo] = event.documents
        assert photo.kind == "photo" and photo.content_type == "image/jpeg"
        assert photo.object_key == f"registration/{body['id']}/{shown['documents'][0]['id']}"
        assert 40 * 1024 <= photo.size <= 80 * 1024

    async def test_missing_steps_and_materials_are_400_with_fields(
        self, kit: Kit, harness: ServiceHarness
    ):
        headers = kit.candidate()
        application = await kit.new_application(headers, (await kit.open_plan()).plan_id)
        await kit.put(headers, application["id"], "basic-info", BASIC_INFO)
        body = assert_problem(await kit.submit(headers, application["id"]), 400)
        assert fields(body) == ["identity", "registration_info", "condition", "documents.photo"]
        assert body["errors"][-1]["message"] == "请上传白底证件照"
        assert (await kit.get(headers, application["id"]))["status"] == "draft"
        assert await harness.outbox(SUBMITTED) == []

    async def test_material_required_by_the_condition_is_missing(self, kit: Kit):
        headers = kit.candidate()
        application = await kit.new_application(headers, (await kit.open_plan()).plan_id)
        await kit.fill(headers, application["id"], condition="L1-A")
        await kit.upload(headers, application["id"], "photo", jpeg_between(45, 75))
        body = assert_problem(await kit.submit(headers, application["id"]), 400)
        assert fields(body) == ["documents.application_form"]

    async def test_outside_the_window_is_400(self, kit: Kit, harness: ServiceHarness):
        headers = kit.candidate()
        plan = await kit.open_plan()
        application = await kit.new_application(headers, plan.plan_id)
        await kit.fill(headers, application["id"])
        await kit.upload(headers, application["id"], "photo", jpeg_between(45, 75))
        await kit.close_window(plan)
        body = assert_problem(await kit.submit(headers, application["id"]), 400)
        assert "报名时间" in body["detail"]
        assert await harness.outbox(SUBMITTED) == []

    async def test_someone_elses_application_is_404(self, kit: Kit):
        application = await kit.new_application(kit.candidate(), (await kit.open_plan()).plan_id)
        assert_problem(await kit.submit(kit.candidate(), application["id"]), 404)

    async def test_submitting_again_without_changes_is_409(self, kit: Kit):
        headers, _, body = await kit.submitted_application()
        assert_problem(await kit.submit(headers, body["id"]), 409)

    async def test_edit_while_under_review_then_submit_records_resubmitted(
        self, kit: Kit, harness: ServiceHarness
    ):
        headers, _, body = await kit.submitted_application()
        edited = await kit.put(headers, body["id"], "basic-info", {**BASIC_INFO, "name": "张叁"})
        assert edited.json()["status"] == "submitted"
        assert edited.json()["edited_since_submit"] is True
        again = await kit.submit(headers, body["id"])
        assert again.json()["revision"] == 2
        assert (await kit.get(headers, body["id"]))["edited_since_submit"] is False
        [event] = await harness.outbox(RESUBMITTED)
        assert isinstance(event, ApplicationResubmitted)
        assert (event.revision, event.candidate_name) == (2, "张叁")
        assert len(await harness.outbox(SUBMITTED)) == 1


class TestReadApplications:
    async def test_detail_shows_full_data_and_history(self, kit: Kit):
        headers, _, body = await kit.submitted_application()
        detail = await kit.get(headers, body["id"])
        assert detail["registration_info"]["id_number"] == resident_id()
        assert [h["to_status"] for h in detail["status_history"]] == ["draft", "submitted"]
        assert detail["steps"]["materials"] is True
        assert [d["status"] for d in detail["documents"]] == ["accepted"]

    async def test_list_shows_only_mine_with_masked_pii(self, kit: Kit):
        headers, _, body = await kit.submitted_application()
        await kit.new_application(kit.candidate(), (await kit.open_plan()).plan_id)
        response = await kit.client.get(f"{API}/applications", headers=headers)
        [item] = response.json()["items"]
        assert item["id"] == body["id"]
        assert item["id_number"] == "110101********4514"
        assert item["mobile"] == "138****5678"
        assert item["plan_title"] == "2026年第1批 电子商务师（一级）"

    async def test_list_pages_newest_first(self, kit: Kit):
        headers = kit.candidate()
        ids = [
            (await kit.new_application(headers, (await kit.open_plan()).plan_id))["id"]
            for _ in range(3)
        ]
        first = (await kit.client.get(f"{API}/applications?limit=2", headers=headers)).json()
        second = (
            await kit.client.get(
                f"{API}/applications?limit=2&cursor={first['next_cursor']}", headers=headers
            )
        ).json()
        assert [i["id"] for i in first["items"] + second["items"]] == ids[::-1]
        assert second["next_cursor"] is None

    async def test_someone_elses_application_is_404(self, kit: Kit):
        application = await kit.new_application(kit.candidate(), (await kit.open_plan()).plan_id)
        response = await kit.client.get(
            f"{API}/applications/{application['id']}", headers=kit.candidate()
        )
        assert_problem(response, 404)


class TestWithdraw:
    async def test_withdraws_records_the_event_and_frees_the_plan(
        self, kit: Kit, harness: ServiceHarness
    ):
        headers, plan, body = await kit.submitted_application()
        response = await kit.client.post(
            f"{API}/applications/{body['id']}/withdraw",
            json={"reason": "时间冲突"},
            headers=headers,
        )
        assert response.status_code == 200, response.text
        assert response.json()["status"] == "withdrawn"
        [event] = await harness.outbox(WITHDRAWN)
        assert isinstance(event, ApplicationWithdrawn) and event.reason == "时间冲突"
        again = await kit.new_application(headers, plan.plan_id)
        assert again["id"] != body["id"]

    async def test_withdrawing_twice_is_409(self, kit: Kit, harness: ServiceHarness):
        headers = kit.candidate()
        application = await kit.new_application(headers, (await kit.open_plan()).plan_id)
        url = f"{API}/applications/{application['id']}/withdraw"
        assert (await kit.client.post(url, headers=headers)).status_code == 200
        assert_problem(await kit.client.post(url, headers=headers), 409)
        assert len(await harness.outbox(WITHDRAWN)) == 1


class TestWithdrawAfterPayment:
    """退考: a paid candidate withdraws until the plan's withdrawal deadline; the event says it
    was paid, so payment refunds the fee and exam-scheduling releases the seat."""

    async def paid_application(
        self, kit: Kit, harness: ServiceHarness, **plan: Any
    ) -> tuple[dict[str, str], Any, Application]:
        headers, published, body = await kit.submitted_application()
        if plan:
            published = published.model_copy(
                update={"event_id": uuid4(), "occurred_at": datetime.now(UTC), **plan}
            )
            await harness.deliver(published)
        application = await stored(harness, UUID(body["id"]))
        await harness.deliver(approved(application))
        await harness.deliver(paid(application))
        return headers, published, await stored(harness, application.id)

    async def test_before_the_deadline_withdraws_and_says_it_was_paid(
        self, kit: Kit, harness: ServiceHarness
    ):
        headers, plan, application = await self.paid_application(kit, harness)
        assert application.status == "paid"
        response = await kit.client.post(
            f"{API}/applications/{application.id}/withdraw",
            json={"reason": "工作调动，无法参加考试"},
            headers=headers,
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["status"] == "withdrawn"
        assert body["withdrawal_closes_at"] == plan.registration_closes_at.isoformat().replace(
            "+00:00", "Z"
        )
        [event] = await harness.outbox(WITHDRAWN)
        assert isinstance(event, ApplicationWithdrawn)
        assert (event.application_id, event.paid) == (application.id, True)
        assert event.reason == "工作调动，无法参加考试"
        assert await history(harness, application.id) == [
            "draft",
            "submitted",
            "approved",
            "paid",
            "withdrawn",
        ]

        # Payment's refund comes back: recorded, the application stays withdrawn.
        refund = refunded(await stored(harness, application.id))
        await harness.deliver(refund)
        seen = await kit.get(headers, str(application.id))
        assert seen["status"] == "withdrawn"
        assert seen["refund"]["amount_fen"] == 38000

    async def test_a_scheduled_candidate_withdraws_and_gives_up_the_seat(
        self, kit: Kit, harness: ServiceHarness
    ):
        headers, _, application = await self.paid_application(kit, harness)
        await harness.deliver(scheduled(application))
        response = await kit.client.post(
            f"{API}/applications/{application.id}/withdraw", headers=headers
        )
        assert response.status_code == 200, response.text
        [event] = await harness.outbox(WITHDRAWN)
        assert isinstance(event, ApplicationWithdrawn) and event.paid is True

    async def test_the_plans_own_deadline_counts_not_the_registration_close(
        self, kit: Kit, harness: ServiceHarness
    ):
        later = datetime.now(UTC) + timedelta(days=12)
        headers, _, application = await self.paid_application(
            kit, harness, withdrawal_closes_at=later
        )
        seen = await kit.get(headers, str(application.id))
        assert datetime.fromisoformat(seen["withdrawal_closes_at"]) == later
        response = await kit.client.post(
            f"{API}/applications/{application.id}/withdraw", headers=headers
        )
        assert response.status_code == 200, response.text

    async def test_after_the_deadline_is_refused_in_china_time_and_nothing_written(
        self, kit: Kit, harness: ServiceHarness
    ):
        deadline = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=1)
        headers, _, application = await self.paid_application(
            kit, harness, withdrawal_closes_at=deadline
        )
        response = await kit.client.post(
            f"{API}/applications/{application.id}/withdraw", headers=headers
        )
        body = assert_problem(response, 400, slug="rule-violation")
        named = deadline.astimezone(timezone(timedelta(hours=8))).strftime("%Y-%m-%d %H:%M")
        expected = f"已过退考截止时间（{named}），缴费后不能再撤回报名"
        assert body["detail"] == expected
        assert body["errors"] == [{"field": "status", "message": expected, "code": "deadline"}]
        assert (await stored(harness, application.id)).status == "paid"
        assert await harness.outbox(WITHDRAWN) == []
        assert (await history(harness, application.id))[-1] == "paid"

    async def test_before_payment_the_deadline_does_not_apply(
        self, kit: Kit, harness: ServiceHarness
    ):
        headers, plan, body = await kit.submitted_application()
        await harness.deliver(
            plan.model_copy(
                update={
                    "event_id": uuid4(),
                    "occurred_at": datetime.now(UTC),
                    "withdrawal_closes_at": datetime.now(UTC) - timedelta(days=1),
                }
            )
        )
        response = await kit.client.post(
            f"{API}/applications/{body['id']}/withdraw", headers=headers
        )
        assert response.status_code == 200, response.text
        [event] = await harness.outbox(WITHDRAWN)
        assert isinstance(event, ApplicationWithdrawn) and event.paid is False

    async def test_another_candidate_gets_404_and_nothing_changes(
        self, kit: Kit, harness: ServiceHarness
    ):
        _, _, application = await self.paid_application(kit, harness)
        response = await kit.client.post(
            f"{API}/applications/{application.id}/withdraw", headers=kit.candidate()
        )
        body = assert_problem(response, 404, slug="not-found")
        assert body["detail"] == "报名记录不存在"
        assert (await stored(harness, application.id)).status == "paid"
        assert await harness.outbox(WITHDRAWN) == []

    async def test_staff_cannot_withdraw_for_the_candidate(self, kit: Kit, harness: ServiceHarness):
        _, _, application = await self.paid_application(kit, harness)
        response = await kit.client.post(
            f"{API}/applications/{application.id}/withdraw",
            headers=harness.headers(Role.ORG_ADMIN, org_id="ORG-DEMO"),
        )
        body = assert_problem(response, 403, slug="forbidden")
        assert body["status"] == 403 and body["detail"]
        assert (await stored(harness, application.id)).status == "paid"
        assert await harness.outbox(WITHDRAWN) == []
