"""地市级审核员: a province admin makes reviewers of a city of their own province, the account's
organisation naming the city; nobody else can, and no other province's city."""

import jwt

from skillcert.auth import Role
from skillcert.testing import ServiceHarness, assert_problem

from ..helpers import PASSWORD, accounts, client, login

URL = "/api/v1/gateway/city-reviewers"
REVIEWER = {
    "username": "nn.reviewer",
    "name": "南宁市教育局审核员",
    "phone": "13700137100",
    "password": PASSWORD,
    "city": "450100",  # 南宁市
}


def province(harness: ServiceHarness, org: str = "PROV-GX") -> dict[str, str]:
    return harness.headers(Role.PROVINCE_ADMIN, org_id=org)


async def made(harness: ServiceHarness) -> list[str]:
    return [a.username for a in await accounts(harness) if a.role == Role.CITY_REVIEWER]


class TestCityReviewers:
    async def test_the_province_makes_a_reviewer_of_its_city(self, harness: ServiceHarness):
        response = await client(harness).post(URL, json=REVIEWER, headers=province(harness))
        assert response.status_code == 201, response.text
        body = response.json()
        assert (body["role"], body["org_id"], body["phone"]) == (
            "city_reviewer",
            "CITY-450100",
            "137****7100",
        )
        signed_in = await login(harness, "nn.reviewer", PASSWORD)
        assert signed_in.status_code == 200, signed_in.text
        claims = jwt.decode(signed_in.json()["access_token"], options={"verify_signature": False})
        assert (claims["role"], claims["org"]) == ("city_reviewer", "CITY-450100")

    async def test_a_city_of_another_province_is_a_field_error(self, harness: ServiceHarness):
        body = REVIEWER | {"city": "320100"}  # 南京市
        response = await client(harness).post(URL, json=body, headers=province(harness))
        assert_problem(response, 422, "city", messages={"city": "所选城市不属于所选省份"})
        not_a_city = REVIEWER | {"city": "450000"}
        response = await client(harness).post(URL, json=not_a_city, headers=province(harness))
        assert_problem(response, 422, "city", messages={"city": "该代码不是城市"})
        assert await made(harness) == []

    async def test_the_organisation_is_never_the_callers_to_choose(self, harness: ServiceHarness):
        body = REVIEWER | {"org_id": "CITY-320100"}
        response = await client(harness).post(URL, json=body, headers=province(harness))
        assert_problem(response, 422, "org_id")
        assert await made(harness) == []

    async def test_no_one_else_makes_them(self, harness: ServiceHarness):
        for role, org in (
            (Role.INSTITUTION_HEAD, "4145010593"),
            (Role.CITY_REVIEWER, "CITY-450100"),
            (Role.ORG_ADMIN, "ORG-DEMO"),
            (Role.CANDIDATE, None),
        ):
            headers = harness.headers(role, org_id=org)
            response = await client(harness).post(URL, json=REVIEWER, headers=headers)
            assert_problem(response, 403, slug="forbidden")
        assert_problem(await client(harness).post(URL, json=REVIEWER), 401)
        unbound = await client(harness).post(
            URL, json=REVIEWER, headers=province(harness, "ORG-DEMO")
        )
        assert_problem(unbound, 403, detail="账号未关联省级教育行政部门")
        assert await made(harness) == []

    async def test_a_taken_username_is_a_conflict(self, harness: ServiceHarness):
        first = await client(harness).post(URL, json=REVIEWER, headers=province(harness))
        assert first.status_code == 201, first.text
        again = REVIEWER | {"phone": None, "city": "450200"}
        response = await client(harness).post(URL, json=again, headers=province(harness))
        assert_problem(response, 409, "username")
        assert await made(harness) == ["nn.reviewer"]
