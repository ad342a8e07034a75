"""完善院校基础信息: the caller's own institution only, every field checked, nothing half-saved."""

from typing import Any

from sqlalchemy import func, select

from institution.profile.models import InstitutionProfile
from skillcert.auth import Role
from skillcert.testing import ServiceHarness, assert_problem

URL = "/api/v1/institution/base-info"
CNU = "4111010028"  # 首都师范大学
GXU = "4145010593"  # 广西大学

BODY: dict[str, Any] = {
    "type": "本科院校",
    "credit_code": "91110000600037341L",
    "website": "https://www.cnu.edu.cn",
    "education_department": "北京市教育委员会",
    "address": {
        "province": "110000",
        "city": "110100",
        "county": "110108",
        "street": "西三环北路105号",
    },
    "contact_name": "李老师",
    "contact_phone": "17600086571",
    "contact_email": "lixx@cnu.edu.cn",
}


def staff(
    harness: ServiceHarness, org: str = CNU, role: Role = Role.INSTITUTION_HEAD
) -> dict[str, str]:
    return harness.headers(role, org_id=org)


async def profiles(harness: ServiceHarness) -> int:
    async with harness.ctx.sessionmaker() as session:
        query = select(func.count()).select_from(InstitutionProfile)
        return int((await session.execute(query)).scalar_one())


class TestBaseInfo:
    async def test_incomplete_until_saved_then_complete(self, harness: ServiceHarness):
        before = await harness.client.get(URL, headers=staff(harness))
        assert before.status_code == 200, before.text
        assert before.json()["complete"] is False and before.json()["name"] == "首都师范大学"
        saved = await harness.client.put(URL, json=BODY, headers=staff(harness))
        assert saved.status_code == 200, saved.text
        after = (
            await harness.client.get(URL, headers=staff(harness, role=Role.INSTITUTION_ADMIN))
        ).json()
        assert after["complete"] is True
        assert after["credit_code"] == "91110000600037341L"
        assert after["contact_phone"] == "176****6571"  # masked
        assert after["address"]["county"] == "110108"

    async def test_saving_again_corrects_it(self, harness: ServiceHarness):
        await harness.client.put(URL, json=BODY, headers=staff(harness))
        changed = BODY | {"contact_name": "王老师"}
        response = await harness.client.put(URL, json=changed, headers=staff(harness))
        assert response.json()["contact_name"] == "王老师"
        assert await profiles(harness) == 1

    async def test_each_institution_sees_only_its_own(self, harness: ServiceHarness):
        await harness.client.put(URL, json=BODY, headers=staff(harness))
        other = (await harness.client.get(URL, headers=staff(harness, GXU))).json()
        assert (other["institution_code"], other["complete"]) == (GXU, False)

    async def test_other_roles_are_forbidden(self, harness: ServiceHarness):
        for role in (Role.PROVINCE_ADMIN, Role.ORG_ADMIN, Role.CANDIDATE):
            response = await harness.client.put(URL, json=BODY, headers=staff(harness, role=role))
            assert_problem(response, 403, slug="forbidden")
        assert_problem(await harness.client.get(URL), 401)
        assert await profiles(harness) == 0

    async def test_an_institution_not_in_the_list_is_not_found(self, harness: ServiceHarness):
        response = await harness.client.put(URL, json=BODY, headers=staff(harness, "INST-DEMO"))
        assert_problem(response, 404, slug="not-found")
        assert await profiles(harness) == 0

    async def test_a_wrong_credit_code_and_address_are_field_errors(self, harness: ServiceHarness):
        body = BODY | {
            "credit_code": "91110000600037341X",
            "address": BODY["address"] | {"county": "320102"},
        }
        response = await harness.client.put(URL, json=body, headers=staff(harness))
        assert_problem(
            response,
            422,
            "credit_code",
            "address.county",
            messages={
                "credit_code": "统一社会信用代码不正确（应为18位，末位为校验码）",
                "address.county": "所选区县不属于所选城市",
            },
        )
        assert await profiles(harness) == 0

    async def test_a_city_with_counties_needs_one(self, harness: ServiceHarness):
        body = BODY | {"address": {k: v for k, v in BODY["address"].items() if k != "county"}}
        response = await harness.client.put(URL, json=body, headers=staff(harness))
        assert_problem(response, 422, "address.county", messages={"address.county": "请选择区县"})
        assert await profiles(harness) == 0

    async def test_payload_errors_name_their_fields(self, harness: ServiceHarness):
        body = BODY | {"contact_phone": "123", "contact_email": "no-at", "type": "大学"}
        response = await harness.client.put(URL, json=body, headers=staff(harness))
        assert_problem(response, 422, "contact_phone", "contact_email", "type")
        assert await profiles(harness) == 0
