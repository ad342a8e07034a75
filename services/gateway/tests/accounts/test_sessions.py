"""POST /api/v1/gateway/sessions (登录), POST /password-resets (找回密码), POST /staff."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from gateway.accounts.models import Account
from gateway.main import seed_demo
from skillcert.auth import Role
from skillcert.events import AccountRegistered
from skillcert.testing import ServiceHarness, assert_problem
from tests.conftest import DEMO_PASSWORD
from tests.helpers import (
    PASSWORD,
    RESETS,
    SESSIONS,
    accounts,
    client,
    codes,
    login,
    register,
    send_code,
)

PHONE = "13712345678"
NEW_PASSWORD = "Better2025"


class TestLogin:
    async def test_candidate_logs_in_with_phone(self, harness: ServiceHarness):
        registered = await register(harness, PHONE)
        response = await login(harness, PHONE, PASSWORD)
        assert response.status_code == 200
        body = response.json()
        assert body["account_id"] == registered["account_id"]
        assert body["token_type"] == "Bearer" and body["role"] == "candidate"
        (account,) = await accounts(harness)
        assert account.last_login_at is not None

    async def test_staff_logs_in_with_username(self, harness: ServiceHarness, staff: None):
        response = await login(harness, "inst.head", DEMO_PASSWORD)
        assert response.status_code == 200
        me = await client(harness).get(
            "/api/v1/gateway/me",
            headers={"Authorization": f"Bearer {response.json()['access_token']}"},
        )
        assert (me.json()["role"], me.json()["org_id"]) == ("institution_head", "4145012558")

    async def test_wrong_password_is_401_and_counted(self, harness: ServiceHarness):
        await register(harness, PHONE)
        problem = assert_problem(await login(harness, PHONE, "Wrong1234"), 401)
        assert problem["detail"] == "账号或密码错误"
        (account,) = await accounts(harness)
        assert account.failed_logins == 1

    async def test_unknown_login_is_the_same_401(self, harness: ServiceHarness):
        problem = assert_problem(await login(harness, "13700000000", PASSWORD), 401)
        assert problem["detail"] == "账号或密码错误"

    # Throttling and the outright lock: tests/accounts/test_lockout.py.

    async def test_lock_expires(self, harness: ServiceHarness):
        await register(harness, PHONE)
        async with harness.ctx.sessionmaker() as session:
            await session.execute(
                update(Account).values(locked_until=datetime.now(UTC) - timedelta(seconds=1))
            )
            await session.commit()
        assert (await login(harness, PHONE, PASSWORD)).status_code == 200

    async def test_missing_password_and_code_is_422_with_field(self, harness: ServiceHarness):
        response = await client(harness).post(SESSIONS, json={"login": PHONE})
        problem = assert_problem(response, 422, "code")
        assert problem["errors"][0]["message"] == "请填写密码或短信验证码"

    async def test_sms_code_login_works_once(self, harness: ServiceHarness):
        registered = await register(harness, PHONE)
        code = await send_code(harness, PHONE, "login")
        body = {"login": PHONE, "code": code}
        response = await client(harness).post(SESSIONS, json=body)
        assert response.status_code == 200
        assert response.json()["account_id"] == registered["account_id"]
        replay = await client(harness).post(SESSIONS, json=body)
        assert assert_problem(replay, 400, "code")["detail"] == "验证码已使用，请重新获取"


class TestPasswordReset:
    async def test_new_password_works_old_does_not_and_lock_is_lifted(
        self, harness: ServiceHarness
    ):
        await register(harness, PHONE)
        for _ in range(5):
            await login(harness, PHONE, "Wrong1234")
        code = await send_code(harness, PHONE, "reset_password")
        response = await client(harness).post(
            RESETS, json={"phone": PHONE, "code": code, "new_password": NEW_PASSWORD}
        )
        assert response.status_code == 204
        assert (await login(harness, PHONE, NEW_PASSWORD)).status_code == 200
        assert (await login(harness, PHONE, PASSWORD)).status_code == 401

    async def test_replayed_code_is_400(self, harness: ServiceHarness):
        await register(harness, PHONE)
        code = await send_code(harness, PHONE, "reset_password")
        body = {"phone": PHONE, "code": code, "new_password": NEW_PASSWORD}
        assert (await client(harness).post(RESETS, json=body)).status_code == 204
        response = await client(harness).post(RESETS, json={**body, "new_password": "Another2025"})
        problem = assert_problem(response, 400, "code")
        assert problem["detail"] == "验证码已使用，请重新获取"
        assert (await login(harness, PHONE, NEW_PASSWORD)).status_code == 200

    async def test_register_code_cannot_reset(self, harness: ServiceHarness):
        await register(harness, "13700000001")
        code = await send_code(harness, PHONE, "register")
        await register(harness, "13700000002")  # unrelated; PHONE stays unregistered
        response = await client(harness).post(
            RESETS, json={"phone": PHONE, "code": code, "new_password": NEW_PASSWORD}
        )
        assert_problem(response, 400, "code", detail="请先获取短信验证码")
        assert [c.status for c in await codes(harness, PHONE)] == ["active"]

    async def test_weak_new_password_is_422_with_field(self, harness: ServiceHarness):
        await register(harness, PHONE)
        code = await send_code(harness, PHONE, "reset_password")
        response = await client(harness).post(
            RESETS, json={"phone": PHONE, "code": code, "new_password": "abc"}
        )
        assert_problem(response, 422, "new_password")
        assert [c.status for c in await codes(harness, PHONE)][-1] == "active"
        assert (await login(harness, PHONE, PASSWORD)).status_code == 200


STAFF = "/api/v1/gateway/staff"


def new_staff(**overrides: object) -> dict[str, object]:
    return {
        "username": "exam.head",
        "name": "王五",
        "role": "institution_head",
        "org_id": "INST-OTHER",
        "password": "Staff2025x",
        **overrides,
    }


class TestCreateStaff:
    async def test_ops_creates_a_staff_account_that_can_log_in(self, harness: ServiceHarness):
        response = await client(harness).post(
            STAFF, json=new_staff(phone="13600000000"), headers=harness.headers(Role.OPS)
        )
        assert response.status_code == 201, response.text
        body = response.json()
        assert (body["username"], body["role"], body["org_id"]) == (
            "exam.head",
            "institution_head",
            "INST-OTHER",
        )
        assert body["phone"] == "136****0000"
        (event,) = await harness.outbox("identity.account.registered.v1")
        assert isinstance(event, AccountRegistered)
        assert (event.role, event.org_id) == ("institution_head", "INST-OTHER")
        assert (await login(harness, "exam.head", "Staff2025x")).status_code == 200

    async def test_non_ops_is_403(self, harness: ServiceHarness):
        response = await client(harness).post(
            STAFF, json=new_staff(), headers=harness.headers(Role.ORG_ADMIN, org_id="ORG-DEMO")
        )
        assert_problem(response, 403)
        assert await accounts(harness) == []

    async def test_without_token_is_401(self, harness: ServiceHarness):
        assert_problem(await client(harness).post(STAFF, json=new_staff()), 401)

    async def test_duplicate_username_is_409(self, harness: ServiceHarness, staff: None):
        response = await client(harness).post(
            STAFF,
            json=new_staff(username="org.admin", role="org_admin", org_id="ORG-X"),
            headers=harness.headers(Role.OPS),
        )
        assert_problem(response, 409, "username")

    async def test_second_institution_head_is_409(self, harness: ServiceHarness, staff: None):
        response = await client(harness).post(
            STAFF, json=new_staff(org_id="4145012558"), headers=harness.headers(Role.OPS)
        )
        problem = assert_problem(response, 409, "org_id")
        assert problem["detail"] == "该考核站点已有负责人"

    async def test_org_role_without_org_id_is_422(self, harness: ServiceHarness):
        body = new_staff(role="reviewer")
        del body["org_id"]
        response = await client(harness).post(STAFF, json=body, headers=harness.headers(Role.OPS))
        assert_problem(response, 422, "org_id")
        assert await accounts(harness) == []

    async def test_candidate_role_is_422(self, harness: ServiceHarness):
        response = await client(harness).post(
            STAFF, json=new_staff(role="candidate"), headers=harness.headers(Role.OPS)
        )
        assert_problem(response, 422, "role")
        assert await accounts(harness) == []


class TestSeedDemoStaff:
    async def test_seeds_the_nine_demo_accounts_once(self, harness: ServiceHarness):
        await seed_demo(harness.ctx)
        await seed_demo(harness.ctx)
        seeded = {(a.username, a.role, a.org_id) for a in await accounts(harness)}
        assert seeded == {
            ("org.admin", "org_admin", "ORG-DEMO"),
            ("org.reviewer", "reviewer", "ORG-DEMO"),
            ("inst.admin", "institution_admin", "4145012558"),
            ("inst.head", "institution_head", "4145012558"),
            ("province.admin", "province_admin", "PROV-GX"),
            ("province.js", "province_admin", "PROV-JS"),
            ("inv.demo", "invigilator", "4145012558"),
            ("insp.demo", "inspector", "ORG-DEMO"),
            ("ops", "ops", None),
        }
        assert len(await harness.outbox("identity.account.registered.v1")) == 9
