"""监考 and 巡考 assignments: the institution that runs the site puts its invigilators in
rooms per session, the organisation its inspectors over rooms or sites; each sees only their
own; nobody else assigns, and an assignment of someone else's account grants nothing."""

from __future__ import annotations

from uuid import uuid4

from sqlalchemy import text

from exam_scheduling.invigilation.models import DutyAccount, DutyAssignment
from skillcert.auth import Role
from skillcert.pdf_testing import pdf_text
from skillcert.testing import ServiceHarness, assert_problem, eventually

from ..duty import (
    as_inspector,
    as_invigilator,
    assign_inspector,
    assign_invigilator,
    duty_account,
    exam,
)
from ..factories import API, INST, ORG, count, institution_admin, org_admin

OTHER_INST = "INST-OTHER"


class TestSessions:
    async def test_a_site_lists_one_session_per_subject_of_its_plans(self, harness: ServiceHarness):
        e = await exam(harness, seated=0)
        assert [(s["subject_code"], s["subject_name"]) for s in e.sessions] == [
            ("T1", "理论知识"),
            ("P1", "专业能力"),
        ]
        assert len({s["session_id"] for s in e.sessions}) == 2
        response = await harness.client.get(
            f"{API}/sites/{e.site['id']}/sessions", headers=org_admin(harness)
        )
        assert [s["session_id"] for s in response.json()] == [s["session_id"] for s in e.sessions]

    async def test_another_institution_or_organisation_does_not_see_them(
        self, harness: ServiceHarness
    ):
        e = await exam(harness, seated=0)
        for headers in (
            institution_admin(harness, OTHER_INST),
            org_admin(harness, "ORG-OTHER"),
        ):
            response = await harness.client.get(
                f"{API}/sites/{e.site['id']}/sessions", headers=headers
            )
            assert_problem(response, 404, slug="not-found")
        response = await harness.client.get(
            f"{API}/sites/{e.site['id']}/sessions",
            headers=harness.headers(Role.CANDIDATE, account_id=uuid4()),
        )
        assert_problem(response, 403, slug="forbidden")


class TestInvigilators:
    async def test_the_institution_assigns_its_invigilator_who_then_sees_that_room_only(
        self, harness: ServiceHarness
    ):
        e = await exam(harness, seated=1)
        wang = await duty_account(harness, Role.INVIGILATOR, INST, "王监考")
        made = await assign_invigilator(harness, e, wang)
        assert (made["duty"], made["name"], made["room_id"]) == (
            "invigilator",
            "王监考",
            e.room["id"],
        )
        listed = await harness.client.get(
            f"{API}/rooms/{e.room['id']}/invigilators", headers=institution_admin(harness)
        )
        assert [a["id"] for a in listed.json()] == [made["id"]]
        mine = await harness.client.get(f"{API}/duties/mine", headers=as_invigilator(harness, wang))
        assert mine.status_code == 200, mine.text
        [duty] = mine.json()
        assert (duty["room_id"], duty["session"]["session_id"], duty["duty"]) == (
            e.room["id"],
            e.session_id,
            "invigilator",
        )
        # another invigilator of the same institution, not assigned, sees nothing
        li = await duty_account(harness, Role.INVIGILATOR, INST, "李监考")
        none = await harness.client.get(f"{API}/duties/mine", headers=as_invigilator(harness, li))
        assert none.json() == []

    async def test_the_account_must_be_an_invigilator_of_the_sites_institution(
        self, harness: ServiceHarness
    ):
        e = await exam(harness, seated=0)
        foreign = await duty_account(harness, Role.INVIGILATOR, OTHER_INST)
        inspector = await duty_account(harness, Role.INSPECTOR, ORG)
        url = f"{API}/rooms/{e.room['id']}/invigilators"
        for account, message in (
            (foreign, "该账号不属于本院校"),
            (inspector, "该账号不是监考人员"),
            (uuid4(), "账号不存在或尚未同步，请稍后重试"),
        ):
            response = await harness.client.post(
                url,
                json={"session_id": e.session_id, "account_id": str(account)},
                headers=institution_admin(harness),
            )
            assert_problem(response, 422, "account_id", messages={"account_id": message})
        assert await count(harness, DutyAssignment) == 0

    async def test_a_session_not_of_the_rooms_plan_is_a_field_error(self, harness: ServiceHarness):
        e = await exam(harness, seated=0)
        wang = await duty_account(harness, Role.INVIGILATOR, INST)
        response = await harness.client.post(
            f"{API}/rooms/{e.room['id']}/invigilators",
            json={"session_id": str(uuid4()), "account_id": str(wang)},
            headers=institution_admin(harness),
        )
        assert_problem(response, 422, "session_id")
        assert await count(harness, DutyAssignment) == 0

    async def test_assigning_twice_is_a_conflict(self, harness: ServiceHarness):
        e = await exam(harness, seated=0)
        wang = await duty_account(harness, Role.INVIGILATOR, INST)
        await assign_invigilator(harness, e, wang)
        response = await harness.client.post(
            f"{API}/rooms/{e.room['id']}/invigilators",
            json={"session_id": e.session_id, "account_id": str(wang)},
            headers=institution_admin(harness),
        )
        assert_problem(response, 409, "account_id")
        assert await count(harness, DutyAssignment) == 1

    async def test_nobody_but_the_sites_institution_assigns(self, harness: ServiceHarness):
        e = await exam(harness, seated=0)
        wang = await duty_account(harness, Role.INVIGILATOR, INST)
        body = {"session_id": e.session_id, "account_id": str(wang)}
        url = f"{API}/rooms/{e.room['id']}/invigilators"
        other = await harness.client.post(
            url, json=body, headers=institution_admin(harness, OTHER_INST)
        )
        assert_problem(other, 404, slug="not-found")
        for role, org in (
            (Role.ORG_ADMIN, ORG),
            (Role.INVIGILATOR, INST),
            (Role.CANDIDATE, None),
        ):
            response = await harness.client.post(
                url, json=body, headers=harness.headers(role, org_id=org)
            )
            assert_problem(response, 403, slug="forbidden")
        assert await count(harness, DutyAssignment) == 0

    async def test_the_institution_removes_an_assignment_and_the_duty_goes(
        self, harness: ServiceHarness
    ):
        e = await exam(harness, seated=0)
        wang = await duty_account(harness, Role.INVIGILATOR, INST)
        made = await assign_invigilator(harness, e, wang)
        url = f"{API}/rooms/{e.room['id']}/invigilators/{made['id']}"
        other = await harness.client.delete(url, headers=institution_admin(harness, OTHER_INST))
        assert_problem(other, 404, slug="not-found")
        response = await harness.client.delete(url, headers=institution_admin(harness))
        assert response.status_code == 204
        mine = await harness.client.get(f"{API}/duties/mine", headers=as_invigilator(harness, wang))
        assert mine.json() == []
        again = await harness.client.delete(url, headers=institution_admin(harness))
        assert_problem(again, 404, slug="not-found")

    async def test_the_institution_lists_its_invigilator_accounts_only(
        self, harness: ServiceHarness
    ):
        await duty_account(harness, Role.INVIGILATOR, INST, "王监考")
        await duty_account(harness, Role.INVIGILATOR, OTHER_INST, "外校监考")
        await duty_account(harness, Role.INSPECTOR, ORG, "赵巡考")
        response = await harness.client.get(
            f"{API}/duty-accounts/invigilators", headers=institution_admin(harness)
        )
        assert [a["name"] for a in response.json()] == ["王监考"]


class TestInspectors:
    async def test_the_organisation_puts_an_inspector_over_the_whole_site(
        self, harness: ServiceHarness
    ):
        e = await exam(harness, seated=0)
        zhao = await duty_account(harness, Role.INSPECTOR, ORG, "赵巡考")
        [made] = await assign_inspector(harness, e, zhao)
        assert (made["duty"], made["room_id"]) == ("inspector", None)
        # asking again makes nothing new
        assert await assign_inspector(harness, e, zhao) == []
        mine = await harness.client.get(f"{API}/duties/mine", headers=as_inspector(harness, zhao))
        assert [(d["room_id"], d["duty"]) for d in mine.json()] == [(e.room["id"], "inspector")]
        listed = await harness.client.get(
            f"{API}/sites/{e.site['id']}/inspectors", headers=institution_admin(harness)
        )
        assert [a["name"] for a in listed.json()] == ["赵巡考"]

    async def test_a_room_of_another_site_is_a_field_error(self, harness: ServiceHarness):
        e = await exam(harness, seated=0)
        zhao = await duty_account(harness, Role.INSPECTOR, ORG)
        response = await harness.client.post(
            f"{API}/sites/{e.site['id']}/inspectors",
            json={"session_id": e.session_id, "account_id": str(zhao), "room_ids": [str(uuid4())]},
            headers=org_admin(harness),
        )
        assert_problem(response, 422, "room_ids.0")
        assert await count(harness, DutyAssignment) == 0

    async def test_only_the_sites_organisation_assigns_and_only_its_inspectors(
        self, harness: ServiceHarness
    ):
        e = await exam(harness, seated=0)
        zhao = await duty_account(harness, Role.INSPECTOR, ORG)
        foreign = await duty_account(harness, Role.INSPECTOR, "ORG-OTHER")
        url = f"{API}/sites/{e.site['id']}/inspectors"
        body = {"session_id": e.session_id, "account_id": str(zhao)}
        other = await harness.client.post(url, json=body, headers=org_admin(harness, "ORG-OTHER"))
        assert_problem(other, 404, slug="not-found")
        for role, org in ((Role.INSTITUTION_ADMIN, INST), (Role.INSPECTOR, ORG)):
            response = await harness.client.post(
                url, json=body, headers=harness.headers(role, org_id=org)
            )
            assert_problem(response, 403, slug="forbidden")
        response = await harness.client.post(
            url, json=body | {"account_id": str(foreign)}, headers=org_admin(harness)
        )
        assert_problem(response, 422, "account_id", messages={"account_id": "该账号不属于本组织"})
        assert await count(harness, DutyAssignment) == 0


class TestAccounts:
    async def test_only_duty_accounts_are_kept_and_a_redelivery_changes_nothing(
        self, harness: ServiceHarness
    ):
        from skillcert.events import AccountRegistered

        event = AccountRegistered(
            account_id=uuid4(), phone=None, name="王监考", role="invigilator", org_id=INST
        )
        await harness.deliver(event)
        await harness.deliver(event)
        await harness.deliver(
            AccountRegistered(
                account_id=uuid4(), phone=None, name="管理员", role="institution_admin", org_id=INST
            )
        )
        assert await count(harness, DutyAccount) == 1

    async def test_a_failing_handler_is_retried_then_dead_lettered_and_replay_works(
        self, harness: ServiceHarness
    ):
        from skillcert.events import AccountRegistered

        event = AccountRegistered(
            account_id=uuid4(), phone=None, name="王监考", role="invigilator", org_id=INST
        )

        async def kept():
            async with harness.ctx.sessionmaker() as session:
                return await session.get(DutyAccount, event.account_id)

        async with harness.ctx.sessionmaker() as session:
            await session.execute(text("ALTER TABLE duty_accounts RENAME TO duty_accounts_x"))
            await session.commit()
        try:
            await harness.publish(event)

            async def parked():
                letters = await harness.ctx.bus.dead_letters("exam-scheduling")
                return [d for d in letters if d.message_id == str(event.event_id)]

            letters = await eventually(parked, timeout_s=20)
            assert letters[0].attempts == 3
        finally:
            async with harness.ctx.sessionmaker() as session:
                await session.execute(text("ALTER TABLE duty_accounts_x RENAME TO duty_accounts"))
                await session.commit()
        assert await kept() is None
        assert await harness.ctx.bus.replay_dead_letters("exam-scheduling") >= 1
        account = await eventually(kept)
        assert account.name == "王监考"
        # replayed once more by mistake: still one account
        await harness.deliver(event)
        assert await count(harness, DutyAccount) == 1


class TestSignInSheet:
    async def test_the_sheet_names_the_rooms_invigilators_and_inspectors(
        self, harness: ServiceHarness
    ):
        e = await exam(harness, seated=1)
        wang = await duty_account(harness, Role.INVIGILATOR, INST, "王监考")
        zhao = await duty_account(harness, Role.INSPECTOR, ORG, "赵巡考")
        await assign_invigilator(harness, e, wang)
        await assign_invigilator(harness, e, wang, str(e.sessions[1]["session_id"]))
        await assign_inspector(harness, e, zhao)
        response = await harness.client.get(
            f"{API}/rooms/{e.room['id']}/printouts/sign-in-sheet.pdf",
            headers=institution_admin(harness),
        )
        assert response.status_code == 200, response.text
        words = pdf_text(response.content)
        assert "监考人员：王监考" in words and "巡考人员：赵巡考" in words
        assert words.count("王监考") == 1  # two sessions, one person
