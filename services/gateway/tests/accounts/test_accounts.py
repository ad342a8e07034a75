"""POST /api/v1/gateway/accounts: candidate sign-up with a verified phone."""

from datetime import UTC, datetime, timedelta

from gateway.accounts.models import Account
from skillcert.auth import Role, TokenVerifier, jwks_static
from skillcert.events import AccountRegistered
from skillcert.testing import ServiceHarness, assert_problem
from tests.helpers import ACCOUNTS, PASSWORD, accounts, backdate_codes, client, codes, send_code

PHONE = "13912345678"


def sign_up(code: str, password: str = PASSWORD, phone: str = PHONE) -> dict[str, str]:
    return {"phone": phone, "code": code, "password": password, "name": "李四"}


async def nothing_registered(harness: ServiceHarness) -> bool:
    return await accounts(harness) == [] and not await harness.outbox(
        "identity.account.registered.v1"
    )


class TestRegister:
    async def test_registers_the_candidate_and_signs_them_in(self, harness: ServiceHarness):
        code = await send_code(harness, PHONE)
        response = await client(harness).post(ACCOUNTS, json=sign_up(code))
        assert response.status_code == 201, response.text
        body = response.json()
        assert body["token_type"] == "Bearer" and body["expires_in"] == 900
        assert body["role"] == "candidate"

        (account,) = await accounts(harness)
        assert str(account.id) == body["account_id"]
        assert account.role == "candidate" and account.org_id is None
        assert account.password_hash.startswith("$argon2id$")
        assert PASSWORD not in account.password_hash
        (event,) = await harness.outbox("identity.account.registered.v1")
        assert isinstance(event, AccountRegistered)
        assert (event.account_id, event.phone, event.name, event.role) == (
            account.id,
            PHONE,
            "李四",
            "candidate",
        )
        assert [c.status for c in await codes(harness, PHONE)] == ["consumed"]

        me = await client(harness).get(
            "/api/v1/gateway/me", headers={"Authorization": f"Bearer {body['access_token']}"}
        )
        assert me.json() == {
            "account_id": body["account_id"],
            "role": "candidate",
            "name": "李四",
            "org_id": None,
        }

    async def test_wrong_code_is_400_on_field_code_and_counts_the_attempt(
        self, harness: ServiceHarness
    ):
        code = await send_code(harness, PHONE)
        wrong = f"{(int(code) + 1) % 10**6:06d}"
        response = await client(harness).post(ACCOUNTS, json=sign_up(wrong))
        problem = assert_problem(response, 400, "code")
        assert problem["detail"] == "验证码错误，还可尝试 4 次"
        assert await nothing_registered(harness)
        (stored,) = await codes(harness, PHONE)
        assert (stored.status, stored.attempts) == ("active", 1)

    async def test_expired_code_is_400(self, harness: ServiceHarness):
        code = await send_code(harness, PHONE)
        await backdate_codes(harness, PHONE, expires_at=datetime.now(UTC) - timedelta(seconds=1))
        response = await client(harness).post(ACCOUNTS, json=sign_up(code))
        problem = assert_problem(response, 400, "code")
        assert problem["detail"] == "验证码已过期，请重新获取"
        assert await nothing_registered(harness)

    async def test_without_a_code_sent_is_400(self, harness: ServiceHarness):
        response = await client(harness).post(ACCOUNTS, json=sign_up("123456"))
        problem = assert_problem(response, 400, "code")
        assert problem["detail"] == "请先获取短信验证码"

    async def test_replayed_code_is_refused(self, harness: ServiceHarness):
        code = await send_code(harness, PHONE)
        assert (await client(harness).post(ACCOUNTS, json=sign_up(code))).status_code == 201
        # The same phone is now taken: the replay cannot create a second account.
        response = await client(harness).post(ACCOUNTS, json=sign_up(code))
        assert_problem(response, 409, "phone")
        assert len(await accounts(harness)) == 1

    async def test_code_is_bound_to_its_phone(self, harness: ServiceHarness):
        code = await send_code(harness, PHONE)
        response = await client(harness).post(ACCOUNTS, json=sign_up(code, phone="13900000000"))
        assert_problem(response, 400, "code")
        assert await nothing_registered(harness)

    async def test_brute_force_exhausts_the_code_after_five_attempts(self, harness: ServiceHarness):
        code = await send_code(harness, PHONE)
        wrong = [f"{(int(code) + n) % 10**6:06d}" for n in range(1, 6)]
        details = []
        for guess in wrong:
            response = await client(harness).post(ACCOUNTS, json=sign_up(guess))
            details.append(assert_problem(response, 400, "code")["detail"])
        assert details[:4] == [f"验证码错误，还可尝试 {n} 次" for n in (4, 3, 2, 1)]
        assert details[4] == "验证码错误次数过多，请重新获取"
        # Even the right code no longer works.
        response = await client(harness).post(ACCOUNTS, json=sign_up(code))
        assert assert_problem(response, 400)["detail"] == "验证码错误次数过多，请重新获取"
        assert await nothing_registered(harness)
        (stored,) = await codes(harness, PHONE)
        assert (stored.status, stored.attempts) == ("exhausted", 5)

    async def test_weak_password_is_422_on_field_and_keeps_the_code(self, harness: ServiceHarness):
        code = await send_code(harness, PHONE)
        for weak in ("short1", "onlyletters", "1234567890"):
            response = await client(harness).post(ACCOUNTS, json=sign_up(code, password=weak))
            problem = assert_problem(response, 422, "password")
            assert "字母和数字" in problem["errors"][0]["message"]
        assert await nothing_registered(harness)
        (stored,) = await codes(harness, PHONE)
        assert (stored.status, stored.attempts) == ("active", 0)
        assert (await client(harness).post(ACCOUNTS, json=sign_up(code))).status_code == 201

    async def test_missing_name_is_422_with_field(self, harness: ServiceHarness):
        code = await send_code(harness, PHONE)
        body = sign_up(code)
        del body["name"]
        assert_problem(await client(harness).post(ACCOUNTS, json=body), 422, "name")
        assert await nothing_registered(harness)

    async def test_idempotency_key_replays_the_first_result(self, harness: ServiceHarness):
        code = await send_code(harness, PHONE)
        headers = {"Idempotency-Key": "signup-1"}
        first = await client(harness).post(ACCOUNTS, json=sign_up(code), headers=headers)
        second = await client(harness).post(ACCOUNTS, json=sign_up(code), headers=headers)
        assert first.status_code == second.status_code == 201
        assert second.headers["Idempotent-Replayed"] == "true"
        assert second.json() == first.json()
        assert len(await accounts(harness)) == 1
        assert len(await harness.outbox("identity.account.registered.v1")) == 1


class TestJwks:
    async def test_published_keys_verify_an_issued_token(self, harness: ServiceHarness):
        code = await send_code(harness, PHONE)
        body = (await client(harness).post(ACCOUNTS, json=sign_up(code))).json()
        jwks = (await client(harness).get("/.well-known/jwks.json")).json()
        assert [k["alg"] for k in jwks["keys"]] == ["ES256"]
        assert all("d" not in k for k in jwks["keys"])  # never the private part
        verifier = TokenVerifier(jwks_static(jwks), "skillcert-gateway", "skillcert")
        principal = await verifier.verify(body["access_token"])
        assert str(principal.account_id) == body["account_id"]
        assert principal.role is Role.CANDIDATE and principal.name == "李四"


class TestMe:
    async def test_without_token_is_401_problem(self, harness: ServiceHarness):
        assert_problem(await client(harness).get("/api/v1/gateway/me"), 401)

    async def test_staff_token_names_the_organisation(self, harness: ServiceHarness):
        headers = harness.headers(Role.REVIEWER, org_id="ORG-DEMO")
        me = (await client(harness).get("/api/v1/gateway/me", headers=headers)).json()
        assert (me["role"], me["org_id"]) == ("reviewer", "ORG-DEMO")


async def _account(harness: ServiceHarness, account_id: str) -> Account | None:
    async with harness.ctx.sessionmaker() as session:
        return await session.get(Account, account_id)
