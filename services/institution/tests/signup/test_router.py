"""注册账号 over HTTP: the list decides, one head per institution however the requests race,
the phone proven by the gateway's proof, every refusal a Chinese problem+json."""

import asyncio
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from institution.signup.models import InstitutionHead
from institution.signup.rules import ALREADY_REGISTERED
from skillcert.auth import Role
from skillcert.events import InstitutionRegistered
from skillcert.testing import ServiceHarness, assert_problem

URL = "/api/v1/institution/sign-ups"
PHONE = "13800138000"


def request(harness: ServiceHarness, **changes: Any) -> dict[str, Any]:
    body = {
        "province": "110000",
        "city": "110100",
        "institution_code": "4111010028",
        "institution_name": "首都师范大学",
        "phone_proof": harness.tokens.phone_proof(PHONE),
    }
    return body | changes


async def heads(harness: ServiceHarness) -> int:
    async with harness.ctx.sessionmaker() as session:
        query = select(func.count()).select_from(InstitutionHead)
        return int((await session.execute(query)).scalar_one())


class TestSignUp:
    async def test_an_institution_of_the_list_signs_up_its_head(self, harness: ServiceHarness):
        response = await harness.client.post(URL, json=request(harness))
        assert response.status_code == 201, response.text
        assert response.json() == {
            "institution_code": "4111010028",
            "institution_name": "首都师范大学",
            "username": "i4111010028",
            "phone": "138****8000",
        }
        [event] = await harness.outbox("institution.registered.v1")
        assert isinstance(event, InstitutionRegistered)
        assert (event.institution_code, event.head_phone) == ("4111010028", PHONE)
        assert (event.province, event.city) == ("110000", "110100")

    async def test_a_second_sign_up_is_refused(self, harness: ServiceHarness):
        assert (await harness.client.post(URL, json=request(harness))).status_code == 201
        other = harness.tokens.phone_proof("13900139000")
        response = await harness.client.post(URL, json=request(harness, phone_proof=other))
        assert_problem(response, 409, slug="conflict", detail=ALREADY_REGISTERED)
        assert len(await harness.outbox("institution.registered.v1")) == 1

    async def test_racing_sign_ups_make_exactly_one_head(self, harness: ServiceHarness):
        bodies = [
            request(harness, phone_proof=harness.tokens.phone_proof(f"1380013{i:04d}"))
            for i in range(10)
        ]
        responses = await asyncio.gather(*(harness.client.post(URL, json=b) for b in bodies))
        assert sorted(r.status_code for r in responses) == [201] + [409] * 9
        for r in responses:
            if r.status_code == 409:
                assert_problem(r, 409, detail=ALREADY_REGISTERED)
        assert await heads(harness) == 1
        assert len(await harness.outbox("institution.registered.v1")) == 1

    async def test_the_name_must_match_the_list(self, harness: ServiceHarness):
        response = await harness.client.post(
            URL, json=request(harness, institution_name="首都师大")
        )
        assert_problem(
            response,
            422,
            "institution_name",
            messages={"institution_name": "院校名称须与名单中的名称完全一致"},
        )
        assert await heads(harness) == 0
        assert await harness.outbox("institution.registered.v1") == []

    async def test_the_institution_must_lie_in_the_chosen_province(self, harness: ServiceHarness):
        response = await harness.client.post(
            URL, json=request(harness, province="320000", city="320100")
        )
        assert_problem(response, 422, "province", messages={"province": "该院校不在所选省份"})
        assert await heads(harness) == 0

    async def test_and_in_the_chosen_city(self, harness: ServiceHarness):
        body = request(
            harness,
            province="450000",
            city="450200",
            institution_code="4145010593",
            institution_name="广西大学",
        )
        response = await harness.client.post(URL, json=body)
        assert_problem(response, 422, "city", messages={"city": "该院校不在所选城市"})
        assert await heads(harness) == 0

    async def test_an_institution_not_in_the_list_is_refused(self, harness: ServiceHarness):
        response = await harness.client.post(
            URL, json=request(harness, institution_code="4100000000")
        )
        assert_problem(response, 422, "institution_code")
        assert await heads(harness) == 0

    async def test_a_missing_field_is_a_field_error(self, harness: ServiceHarness):
        body = request(harness)
        del body["institution_name"]
        response = await harness.client.post(URL, json=body)
        assert_problem(
            response, 422, "institution_name", messages={"institution_name": "此项为必填项"}
        )
        assert await heads(harness) == 0


class TestPhoneProof:
    async def test_a_forged_proof_is_refused(self, harness: ServiceHarness):
        response = await harness.client.post(URL, json=request(harness, phone_proof="x.y.z"))
        assert_problem(response, 422, "phone_proof")
        assert await heads(harness) == 0

    async def test_an_expired_proof_is_refused(self, harness: ServiceHarness):
        proof = harness.tokens.phone_proof(PHONE, ttl=timedelta(seconds=-1))
        response = await harness.client.post(URL, json=request(harness, phone_proof=proof))
        assert_problem(
            response,
            422,
            "phone_proof",
            messages={"phone_proof": "手机验证已失效，请重新获取短信验证码"},
        )
        assert await heads(harness) == 0

    async def test_a_proof_for_another_purpose_is_refused(self, harness: ServiceHarness):
        proof = harness.tokens.phone_proof(PHONE, purpose="reset_password")
        response = await harness.client.post(URL, json=request(harness, phone_proof=proof))
        assert_problem(response, 422, "phone_proof")
        assert await heads(harness) == 0

    async def test_an_access_token_is_no_proof(self, harness: ServiceHarness):
        token = harness.headers(Role.INSTITUTION_HEAD, org_id="4111010028")["Authorization"]
        body = request(harness, phone_proof=token.removeprefix("Bearer "))
        assert_problem(await harness.client.post(URL, json=body), 422, "phone_proof")
        assert await heads(harness) == 0

    async def test_one_proof_signs_up_one_institution(self, harness: ServiceHarness):
        proof = harness.tokens.phone_proof(PHONE)
        assert (
            await harness.client.post(URL, json=request(harness, phone_proof=proof))
        ).status_code == 201
        other = request(
            harness,
            province="450000",
            city="450100",
            institution_code="4145010593",
            institution_name="广西大学",
            phone_proof=proof,
        )
        response = await harness.client.post(URL, json=other)
        assert_problem(response, 422, "phone_proof")
        assert await heads(harness) == 1
