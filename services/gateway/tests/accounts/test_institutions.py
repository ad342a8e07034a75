"""Institution accounts: the phone proof institution sign-up takes, the head account made from
`institution.registered` (once, however often delivered), and the admins the head creates."""

from datetime import UTC, datetime
from uuid import uuid4

from sqlalchemy import select

from gateway.accounts.models import Account
from skillcert.auth import Role
from skillcert.events import AccountCredentialsIssued, AccountRegistered, InstitutionRegistered
from skillcert.testing import ServiceHarness, assert_problem

from ..helpers import PASSWORD, accounts, client, login, send_code

PROOFS = "/api/v1/gateway/phone-proofs"
ADMINS = "/api/v1/gateway/institution-admins"


def registered(phone: str = "13800138000", code: str = "4111010028") -> InstitutionRegistered:
    return InstitutionRegistered(
        institution_code=code,
        institution_name="首都师范大学",
        province="110000",
        city="110100",
        head_account_id=uuid4(),
        head_username=f"i{code}",
        head_phone=phone,
        registered_at=datetime.now(UTC),
    )


async def take_phone(harness: ServiceHarness, phone: str) -> None:
    now = datetime.now(UTC)
    async with harness.ctx.sessionmaker() as session:
        session.add(
            Account(
                phone=phone,
                name="某人",
                role=Role.CANDIDATE,
                password_hash="x",
                failed_logins=0,
                created_at=now,
                password_changed_at=now,
            )
        )
        await session.commit()


class TestPhoneProof:
    async def test_a_right_code_gives_a_proof_of_the_phone(self, harness: ServiceHarness):
        code = await send_code(harness, "13800138000")
        response = await client(harness).post(PROOFS, json={"phone": "13800138000", "code": code})
        assert response.status_code == 200, response.text
        assert response.json()["expires_in_s"] == 600
        proof = await harness.ctx.verifier.verify_phone_proof(
            response.json()["phone_proof"], "register", "phone_proof"
        )
        assert proof.phone == "13800138000"

    async def test_the_code_is_used_up(self, harness: ServiceHarness):
        code = await send_code(harness, "13800138000")
        body = {"phone": "13800138000", "code": code}
        assert (await client(harness).post(PROOFS, json=body)).status_code == 200
        again = await client(harness).post(PROOFS, json=body)
        assert_problem(again, 400, "code")

    async def test_a_wrong_code_is_a_field_error(self, harness: ServiceHarness):
        await send_code(harness, "13800138000")
        response = await client(harness).post(
            PROOFS, json={"phone": "13800138000", "code": "000000"}
        )
        assert_problem(response, 400, "code")

    async def test_a_phone_with_an_account_is_refused(self, harness: ServiceHarness):
        code = await send_code(harness, "13800138000")
        await take_phone(harness, "13800138000")  # signed up in between
        response = await client(harness).post(PROOFS, json={"phone": "13800138000", "code": code})
        assert_problem(response, 409, "phone", messages={"phone": "该手机号已注册"})

    async def test_a_proof_is_no_access_token(self, harness: ServiceHarness):
        code = await send_code(harness, "13800138000")
        proof = (
            await client(harness).post(PROOFS, json={"phone": "13800138000", "code": code})
        ).json()["phone_proof"]
        me = await client(harness).get(
            "/api/v1/gateway/me", headers={"Authorization": f"Bearer {proof}"}
        )
        assert_problem(me, 401, slug="unauthorized")


class TestInstitutionRegistered:
    async def test_the_head_account_is_made_once_and_its_password_sent(
        self, harness: ServiceHarness
    ):
        event = registered()
        await harness.deliver(event)
        await harness.deliver(event)  # redelivered: still one account, one SMS
        [head] = [a for a in await accounts(harness) if a.role == Role.INSTITUTION_HEAD]
        assert (head.id, head.username, head.org_id, head.phone) == (
            event.head_account_id,
            "i4111010028",
            "4111010028",
            "13800138000",
        )
        [sent] = await harness.outbox("identity.account.credentials_issued.v1")
        assert isinstance(sent, AccountCredentialsIssued)
        assert (sent.phone, sent.username) == ("13800138000", "i4111010028")
        [made] = await harness.outbox("identity.account.registered.v1")
        assert isinstance(made, AccountRegistered) and made.org_id == "4111010028"
        # the password sent is the one that signs in
        response = await login(harness, "i4111010028", sent.password)
        assert response.status_code == 200, response.text
        assert response.json()["role"] == "institution_head"

    async def test_a_phone_taken_since_keeps_the_account_off_it(self, harness: ServiceHarness):
        await take_phone(harness, "13800138000")
        await harness.deliver(registered())
        async with harness.ctx.sessionmaker() as session:
            head = (
                await session.execute(select(Account).where(Account.username == "i4111010028"))
            ).scalar_one()
        assert head.phone is None
        [sent] = await harness.outbox("identity.account.credentials_issued.v1")
        assert sent.phone == "13800138000"  # type: ignore[attr-defined]


ADMIN = {"username": "sd.admin", "name": "王老师", "phone": "13700137000", "password": PASSWORD}


class TestInstitutionAdmins:
    async def test_the_head_creates_an_admin_of_their_institution(self, harness: ServiceHarness):
        headers = harness.headers(Role.INSTITUTION_HEAD, org_id="4111010028")
        response = await client(harness).post(ADMINS, json=ADMIN, headers=headers)
        assert response.status_code == 201, response.text
        body = response.json()
        assert (body["role"], body["org_id"], body["phone"]) == (
            "institution_admin",
            "4111010028",
            "137****7000",
        )
        assert (await login(harness, "sd.admin", PASSWORD)).status_code == 200

    async def test_an_admin_of_another_institution_cannot_be_made(self, harness: ServiceHarness):
        # The body has no institution: the admin is always of the head's own.
        body = ADMIN | {"org_id": "4145010593"}
        headers = harness.headers(Role.INSTITUTION_HEAD, org_id="4111010028")
        response = await client(harness).post(ADMINS, json=body, headers=headers)
        assert_problem(response, 422, "org_id")
        assert [a for a in await accounts(harness) if a.username == "sd.admin"] == []

    async def test_other_roles_cannot(self, harness: ServiceHarness):
        for role in (Role.INSTITUTION_ADMIN, Role.PROVINCE_ADMIN, Role.CANDIDATE):
            headers = harness.headers(role, org_id="4111010028")
            response = await client(harness).post(ADMINS, json=ADMIN, headers=headers)
            assert_problem(response, 403, slug="forbidden")
        assert_problem(await client(harness).post(ADMINS, json=ADMIN), 401)
        assert [a for a in await accounts(harness) if a.username == "sd.admin"] == []

    async def test_a_weak_password_is_a_field_error(self, harness: ServiceHarness):
        headers = harness.headers(Role.INSTITUTION_HEAD, org_id="4111010028")
        body = ADMIN | {"password": "short"}
        response = await client(harness).post(ADMINS, json=body, headers=headers)
        assert_problem(response, 422, "password")
        assert [a for a in await accounts(harness) if a.username == "sd.admin"] == []

    async def test_a_taken_username_is_a_conflict(self, harness: ServiceHarness):
        headers = harness.headers(Role.INSTITUTION_HEAD, org_id="4111010028")
        assert (await client(harness).post(ADMINS, json=ADMIN, headers=headers)).status_code == 201
        again = ADMIN | {"phone": None}
        response = await client(harness).post(ADMINS, json=again, headers=headers)
        assert_problem(response, 409, "username")
