"""监考 / 巡考 accounts: an institution makes invigilators of its own, an organisation makes
inspectors of its own; the first password goes to the phone by SMS; nobody else makes them."""

import jwt

from skillcert.auth import Role
from skillcert.testing import ServiceHarness, assert_problem

from ..helpers import accounts, client, login

INVIGILATORS = "/api/v1/gateway/invigilators"
INSPECTORS = "/api/v1/gateway/inspectors"
PERSON = {"username": "inv.wang", "name": "王监考", "phone": "13700137301"}


async def made(harness: ServiceHarness, role: Role) -> list[tuple[str | None, str | None]]:
    return [(a.username, a.org_id) for a in await accounts(harness) if a.role == role]


class TestInvigilators:
    async def test_an_institution_makes_one_of_its_own_and_the_password_goes_by_sms(
        self, harness: ServiceHarness
    ):
        headers = harness.headers(Role.INSTITUTION_ADMIN, org_id="4145010593")
        response = await client(harness).post(INVIGILATORS, json=PERSON, headers=headers)
        assert response.status_code == 201, response.text
        body = response.json()
        assert (body["role"], body["org_id"], body["phone"]) == (
            "invigilator",
            "4145010593",
            "137****7301",
        )
        [sent] = await harness.outbox("identity.account.credentials_issued.v1")
        assert (sent.phone, sent.username) == ("13700137301", "inv.wang")
        [registered] = await harness.outbox("identity.account.registered.v1")
        assert (registered.role, registered.org_id) == ("invigilator", "4145010593")
        signed_in = await login(harness, "inv.wang", sent.password)
        assert signed_in.status_code == 200, signed_in.text
        claims = jwt.decode(signed_in.json()["access_token"], options={"verify_signature": False})
        assert (claims["role"], claims["org"]) == ("invigilator", "4145010593")

    async def test_the_head_may_too_and_the_organisation_is_never_the_callers_to_choose(
        self, harness: ServiceHarness
    ):
        headers = harness.headers(Role.INSTITUTION_HEAD, org_id="4145010593")
        response = await client(harness).post(
            INVIGILATORS, json=PERSON | {"org_id": "OTHER"}, headers=headers
        )
        assert_problem(response, 422, "org_id")
        response = await client(harness).post(INVIGILATORS, json=PERSON, headers=headers)
        assert response.status_code == 201, response.text
        assert await made(harness, Role.INVIGILATOR) == [("inv.wang", "4145010593")]

    async def test_the_phone_is_required_for_the_sms(self, harness: ServiceHarness):
        headers = harness.headers(Role.INSTITUTION_ADMIN, org_id="4145010593")
        body = {k: v for k, v in PERSON.items() if k != "phone"}
        response = await client(harness).post(INVIGILATORS, json=body, headers=headers)
        assert_problem(response, 422, "phone")
        assert await made(harness, Role.INVIGILATOR) == []

    async def test_no_one_else_makes_them(self, harness: ServiceHarness):
        for role, org in (
            (Role.ORG_ADMIN, "ORG-DEMO"),
            (Role.INVIGILATOR, "4145010593"),
            (Role.INSPECTOR, "ORG-DEMO"),
            (Role.PROVINCE_ADMIN, "PROV-GX"),
            (Role.CANDIDATE, None),
        ):
            headers = harness.headers(role, org_id=org)
            response = await client(harness).post(INVIGILATORS, json=PERSON, headers=headers)
            assert_problem(response, 403, slug="forbidden")
        assert_problem(await client(harness).post(INVIGILATORS, json=PERSON), 401)
        assert await made(harness, Role.INVIGILATOR) == []
        assert await harness.outbox("identity.account.credentials_issued.v1") == []

    async def test_a_taken_username_or_phone_is_a_conflict(self, harness: ServiceHarness):
        headers = harness.headers(Role.INSTITUTION_ADMIN, org_id="4145010593")
        first = await client(harness).post(INVIGILATORS, json=PERSON, headers=headers)
        assert first.status_code == 201, first.text
        again = await client(harness).post(
            INVIGILATORS, json=PERSON | {"phone": "13700137302"}, headers=headers
        )
        assert_problem(again, 409, "username")
        again = await client(harness).post(
            INVIGILATORS, json=PERSON | {"username": "inv.li"}, headers=headers
        )
        assert_problem(again, 409, "phone")
        assert len(await harness.outbox("identity.account.credentials_issued.v1")) == 1


class TestInspectors:
    async def test_an_organisation_makes_one_of_its_own(self, harness: ServiceHarness):
        headers = harness.headers(Role.ORG_ADMIN, org_id="ORG-DEMO")
        body = PERSON | {"username": "insp.zhao", "name": "赵巡考"}
        response = await client(harness).post(INSPECTORS, json=body, headers=headers)
        assert response.status_code == 201, response.text
        assert (response.json()["role"], response.json()["org_id"]) == ("inspector", "ORG-DEMO")
        [sent] = await harness.outbox("identity.account.credentials_issued.v1")
        assert sent.username == "insp.zhao"

    async def test_no_institution_makes_them(self, harness: ServiceHarness):
        for role, org in (
            (Role.INSTITUTION_ADMIN, "4145010593"),
            (Role.INSTITUTION_HEAD, "4145010593"),
            (Role.INSPECTOR, "ORG-DEMO"),
            (Role.CANDIDATE, None),
        ):
            headers = harness.headers(role, org_id=org)
            response = await client(harness).post(INSPECTORS, json=PERSON, headers=headers)
            assert_problem(response, 403, slug="forbidden")
        assert await made(harness, Role.INSPECTOR) == []
