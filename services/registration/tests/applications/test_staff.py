"""What staff do: log the paper forms received by post (seed 004) and list their
organisation's applications."""

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from registration.applications.models import Application
from skillcert.auth import Role
from skillcert.clock import china_today
from skillcert.events import ExamPlanPublished
from skillcert.testing import ServiceHarness, assert_problem
from tests.applications.test_consumers import stored
from tests.conftest import API, BIRTH, Kit, plan_event, resident_id

FORFEITED = "registration.application.forfeited.v1"


async def plan(harness: ServiceHarness, **overrides: Any) -> ExamPlanPublished:
    event = plan_event(**{"requires_mail_in": True, **overrides})
    await harness.deliver(event)
    return event


async def application(
    harness: ServiceHarness,
    of: ExamPlanPublished,
    status: str = "approved",
    created_at: datetime | None = None,
    name: str = "张三",
) -> Application:
    at = created_at or datetime.now(UTC)
    row = Application(
        id=uuid4(),
        candidate_id=uuid4(),
        plan_id=of.plan_id,
        org_id=of.org_id,
        status=status,
        revision=1,
        edited_since_submit=False,
        name=name,
        gender="male",
        birth_date=BIRTH,
        ethnic_group="汉族",
        education="本科",
        id_type="resident_id",
        id_number=resident_id(),
        mobile="13812345678",
        rejection_reasons=[],
        work_history=[],
        created_at=at,
        updated_at=at,
        submitted_at=at,
    )
    async with harness.ctx.sessionmaker() as session:
        session.add(row)
        await session.commit()
    return row


def reviewer(harness: ServiceHarness, org_id: str = "ORG-DEMO") -> dict[str, str]:
    return harness.headers(Role.REVIEWER, org_id=org_id)


async def log_mail(
    kit: Kit, headers: dict[str, str], application_id: UUID, body: dict[str, Any]
) -> Any:
    return await kit.client.post(
        f"{API}/applications/{application_id}/mail-in", json=body, headers=headers
    )


async def mail_in_of(harness: ServiceHarness, application_id: UUID) -> tuple[Any, Any]:
    row = await stored(harness, application_id)
    return row.mail_in_received_on, row.mail_in_tracking_number


class TestRecordMailIn:
    async def test_staff_of_the_plans_organisation_log_the_forms(
        self, kit: Kit, harness: ServiceHarness
    ):
        row = await application(harness, await plan(harness))
        today = china_today().isoformat()
        response = await log_mail(
            kit,
            reviewer(harness),
            row.id,
            {"received_on": today, "tracking_number": "SF1234567890"},
        )
        assert response.status_code == 200, response.text
        mail_in = response.json()["mail_in"]
        assert mail_in["required"] is True
        assert (mail_in["received_on"], mail_in["tracking_number"]) == (today, "SF1234567890")
        # correcting the entry is logging it again
        again = await log_mail(
            kit, harness.headers(Role.ORG_ADMIN, org_id="ORG-DEMO"), row.id, {"received_on": today}
        )
        assert again.json()["mail_in"]["tracking_number"] is None

    async def test_another_organisations_staff_get_404_and_nothing_is_logged(
        self, kit: Kit, harness: ServiceHarness
    ):
        row = await application(harness, await plan(harness))
        response = await log_mail(
            kit, reviewer(harness, "ORG-OTHER"), row.id, {"received_on": china_today().isoformat()}
        )
        assert_problem(response, 404)
        assert await mail_in_of(harness, row.id) == (None, None)

    async def test_a_candidate_may_not(self, kit: Kit, harness: ServiceHarness):
        row = await application(harness, await plan(harness))
        response = await log_mail(
            kit,
            harness.headers(Role.CANDIDATE, account_id=row.candidate_id),
            row.id,
            {"received_on": china_today().isoformat()},
        )
        assert_problem(response, 403)
        assert await mail_in_of(harness, row.id) == (None, None)

    async def test_a_plan_without_mail_in_is_400(self, kit: Kit, harness: ServiceHarness):
        row = await application(harness, await plan(harness, requires_mail_in=False))
        response = await log_mail(
            kit, reviewer(harness), row.id, {"received_on": china_today().isoformat()}
        )
        assert assert_problem(response, 400)["detail"] == "该考试计划无需邮寄纸质材料"
        assert await mail_in_of(harness, row.id) == (None, None)

    async def test_bad_dates_and_tracking_number_are_422(self, kit: Kit, harness: ServiceHarness):
        row = await application(harness, await plan(harness))
        tomorrow = (china_today() + timedelta(days=1)).isoformat()
        body = assert_problem(
            await log_mail(
                kit,
                reviewer(harness),
                row.id,
                {"received_on": tomorrow, "tracking_number": "单号!"},
            ),
            422,
        )
        assert sorted(e["field"] for e in body["errors"]) == ["received_on", "tracking_number"]
        before = (china_today() - timedelta(days=10)).isoformat()
        body = assert_problem(
            await log_mail(kit, reviewer(harness), row.id, {"received_on": before}), 422
        )
        assert [(e["field"], e["message"]) for e in body["errors"]] == [
            ("received_on", "收件日期不能早于报名日期")
        ]
        assert await mail_in_of(harness, row.id) == (None, None)

    async def test_a_null_blank_or_whitespace_tracking_number_means_none_given(
        self, kit: Kit, harness: ServiceHarness
    ):
        # Blank form fields mean "not given" here as everywhere in the form; the pattern
        # applies only to a number that was given (it was applied to None: a 500).
        row = await application(harness, await plan(harness))
        today = china_today().isoformat()
        for given in (None, "", "   \t"):
            response = await log_mail(
                kit, reviewer(harness), row.id, {"received_on": today, "tracking_number": given}
            )
            assert response.status_code == 200, (given, response.text)
            assert response.json()["mail_in"]["tracking_number"] is None
            assert await mail_in_of(harness, row.id) == (china_today(), None)

    async def test_a_malformed_tracking_number_is_a_field_error(
        self, kit: Kit, harness: ServiceHarness
    ):
        row = await application(harness, await plan(harness))
        today = china_today().isoformat()
        for given in ("SF12", "SF 1234567890", "顺丰1234567890", "X" * 41):
            body = assert_problem(
                await log_mail(
                    kit, reviewer(harness), row.id, {"received_on": today, "tracking_number": given}
                ),
                422,
            )
            assert [(e["field"], e["message"]) for e in body["errors"]] == [
                ("tracking_number", "格式不正确")
            ], given
        assert await mail_in_of(harness, row.id) == (None, None)
        # surrounding spaces are not part of the number
        response = await log_mail(
            kit, reviewer(harness), row.id, {"received_on": today, "tracking_number": " SF123456 "}
        )
        assert response.json()["mail_in"]["tracking_number"] == "SF123456", response.text

    async def test_a_withdrawn_application_is_409(self, kit: Kit, harness: ServiceHarness):
        row = await application(harness, await plan(harness), status="withdrawn")
        response = await log_mail(
            kit, reviewer(harness), row.id, {"received_on": china_today().isoformat()}
        )
        assert_problem(response, 409)
        assert await mail_in_of(harness, row.id) == (None, None)


class TestStaffList:
    async def test_the_organisations_applications_masked_filtered_and_paged(
        self, kit: Kit, harness: ServiceHarness
    ):
        mine = await plan(harness)
        other = await plan(harness)
        foreign = await plan(harness, org_id="ORG-OTHER")
        start = datetime.now(UTC) - timedelta(hours=1)
        rows = [
            await application(harness, mine, created_at=start + timedelta(minutes=1)),
            await application(harness, mine, "paid", created_at=start + timedelta(minutes=2)),
            await application(harness, other, created_at=start + timedelta(minutes=3)),
        ]
        await application(harness, foreign)
        url = f"{API}/staff/applications"
        page = (await kit.client.get(url, params={"limit": 2}, headers=reviewer(harness))).json()
        assert [i["id"] for i in page["items"]] == [str(rows[2].id), str(rows[1].id)]
        item = page["items"][0]
        assert item["id_number"] == "110101********4514" and item["mobile"] == "138****5678"
        assert item["mail_in_required"] is True and item["mail_in_received_on"] is None
        rest = (
            await kit.client.get(
                url, params={"limit": 2, "cursor": page["next_cursor"]}, headers=reviewer(harness)
            )
        ).json()
        assert [i["id"] for i in rest["items"]] == [str(rows[0].id)]
        assert rest["next_cursor"] is None
        by_plan = (
            await kit.client.get(
                url,
                params={"plan_id": str(mine.plan_id), "status": "paid"},
                headers=harness.headers(Role.ORG_ADMIN, org_id="ORG-DEMO"),
            )
        ).json()
        assert [i["id"] for i in by_plan["items"]] == [str(rows[1].id)]

    async def test_unknown_status_is_422_and_candidates_403(
        self, kit: Kit, harness: ServiceHarness
    ):
        url = f"{API}/staff/applications"
        body = assert_problem(
            await kit.client.get(url, params={"status": "lost"}, headers=reviewer(harness)), 422
        )
        assert [e["field"] for e in body["errors"]] == ["query.status"]
        assert_problem(await kit.client.get(url, headers=kit.candidate()), 403)
        assert_problem(
            await kit.client.get(url, headers=harness.headers(Role.INSTITUTION_ADMIN, "INST")),
            403,
        )
