"""The directory over HTTP: public listing for sign-up, province admins keep their own
province's list right, every change audited, every refusal a Chinese problem+json."""

from typing import Any

from sqlalchemy import func, select

from institution.directory.models import DirectoryChange, DirectoryEntry
from skillcert.auth import Role
from skillcert.testing import ServiceHarness, assert_problem

BASE = "/api/v1/institution/directory"
GX = "PROV-GX"  # 广西壮族自治区 (450000)
JS = "PROV-JS"  # 江苏省 (320000)


def admin(harness: ServiceHarness, org: str = GX) -> dict[str, str]:
    return harness.headers(Role.PROVINCE_ADMIN, org_id=org)


async def count(harness: ServiceHarness, model: type[Any]) -> int:
    async with harness.ctx.sessionmaker() as session:
        return int((await session.execute(select(func.count()).select_from(model))).scalar_one())


async def stored(harness: ServiceHarness, code: str) -> DirectoryEntry | None:
    async with harness.ctx.sessionmaker() as session:
        return await session.get(DirectoryEntry, code)


NEW = {
    "code": "4145019999",
    "name": "广西示例职业技术学院",
    "city": "450100",
    "level": "高职",
    "reason": "教育部名单未收录，经核实补录",
}


class TestList:
    async def test_anyone_lists_a_city_by_name(self, harness: ServiceHarness):
        response = await harness.client.get(BASE, params={"province": "320000", "city": "320100"})
        assert response.status_code == 200, response.text
        names = [i["name"] for i in response.json()["items"]]
        assert "南京金陵中等专业学校" in names and "苏州大学" not in names
        assert names == sorted(names)
        first = response.json()["items"][0]
        assert first["province_name"] == "江苏省" and first["city_name"] == "南京市"

    async def test_by_province_and_part_of_the_name(self, harness: ServiceHarness):
        response = await harness.client.get(BASE, params={"province": "450000", "name": "职业"})
        items = response.json()["items"]
        assert items and all("职业" in i["name"] and i["province"] == "450000" for i in items)

    async def test_pages_follow_the_cursor_without_repeats(self, harness: ServiceHarness):
        seen: list[str] = []
        cursor = None
        while True:
            params = {"province": "450000", "limit": "3"} | ({"cursor": cursor} if cursor else {})
            body = (await harness.client.get(BASE, params=params)).json()
            seen += [i["code"] for i in body["items"]]
            cursor = body["next_cursor"]
            if cursor is None:
                break
        everything = await harness.client.get(BASE, params={"province": "450000"})
        assert seen == [i["code"] for i in everything.json()["items"]]
        assert len(seen) == len(set(seen)) > 3

    async def test_an_unknown_province_is_a_field_error(self, harness: ServiceHarness):
        response = await harness.client.get(BASE, params={"province": "999999"})
        assert_problem(response, 422, "province", slug="invalid-input")

    async def test_a_city_of_another_province_is_a_field_error(self, harness: ServiceHarness):
        response = await harness.client.get(BASE, params={"province": "450000", "city": "320100"})
        assert_problem(response, 422, "city", messages={"city": "所选城市不属于所选省份"})

    async def test_the_regions_with_listed_institutions(self, harness: ServiceHarness):
        response = await harness.client.get(f"{BASE}/regions")
        assert response.status_code == 200, response.text
        provinces = {p["code"]: p for p in response.json()}
        assert provinces["450000"]["name"] == "广西壮族自治区"
        assert [c["name"] for c in provinces["450000"]["cities"]] == ["南宁市", "柳州市", "桂林市"]
        assert "530000" not in provinces  # nothing listed in Yunnan

    async def test_one_entry_by_code(self, harness: ServiceHarness):
        response = await harness.client.get(f"{BASE}/4111010028")
        assert response.status_code == 200
        assert response.json()["name"] == "首都师范大学"
        assert_problem(await harness.client.get(f"{BASE}/4100000000"), 404, slug="not-found")


class TestAdd:
    async def test_the_province_admin_adds_and_it_is_audited(self, harness: ServiceHarness):
        response = await harness.client.post(BASE, json=NEW, headers=admin(harness))
        assert response.status_code == 201, response.text
        assert response.json()["province"] == "450000"
        changes = await harness.client.get(f"{BASE}/{NEW['code']}/changes", headers=admin(harness))
        [change] = changes.json()["items"]
        assert change["action"] == "added" and change["before"] is None
        assert change["after"]["name"] == NEW["name"]
        assert change["reason"] == NEW["reason"]

    async def test_another_role_is_forbidden(self, harness: ServiceHarness):
        for role in (Role.INSTITUTION_HEAD, Role.ORG_ADMIN, Role.CANDIDATE):
            headers = harness.headers(role, org_id=GX)
            response = await harness.client.post(BASE, json=NEW, headers=headers)
            assert_problem(response, 403, slug="forbidden")
        assert await stored(harness, NEW["code"]) is None

    async def test_anonymous_is_refused(self, harness: ServiceHarness):
        assert_problem(await harness.client.post(BASE, json=NEW), 401, slug="unauthorized")

    async def test_an_admin_of_no_province_is_forbidden(self, harness: ServiceHarness):
        response = await harness.client.post(BASE, json=NEW, headers=admin(harness, "PROV-DEMO"))
        assert_problem(response, 403, slug="forbidden", detail="账号未关联省级教育行政部门")
        assert await stored(harness, NEW["code"]) is None

    async def test_only_into_the_own_province(self, harness: ServiceHarness):
        # A Jiangsu admin cannot place an institution in Nanning: the city is checked
        # against the admin's own province.
        response = await harness.client.post(BASE, json=NEW, headers=admin(harness, JS))
        assert_problem(response, 422, "city", messages={"city": "所选城市不属于所选省份"})
        assert await stored(harness, NEW["code"]) is None

    async def test_bad_fields_are_reported_together_and_nothing_is_written(
        self, harness: ServiceHarness
    ):
        before = await count(harness, DirectoryChange)
        body = NEW | {"code": "12345", "city": "450000", "name": "  "}
        response = await harness.client.post(BASE, json=body, headers=admin(harness))
        assert_problem(
            response,
            422,
            "code",
            "name",
            "city",
            messages={"code": "学校标识码应为10位数字", "name": "院校名称不能为空"},
        )
        assert await count(harness, DirectoryChange) == before

    async def test_a_name_already_listed_in_the_province_is_refused(self, harness: ServiceHarness):
        body = NEW | {"name": "广西大学"}
        response = await harness.client.post(BASE, json=body, headers=admin(harness))
        assert_problem(
            response, 422, "name", messages={"name": "本省名单中已有同名院校（4145010593）"}
        )
        assert await stored(harness, NEW["code"]) is None

    async def test_a_listed_code_is_a_conflict(self, harness: ServiceHarness):
        body = NEW | {"code": "4145010593"}
        response = await harness.client.post(BASE, json=body, headers=admin(harness))
        assert_problem(response, 409, slug="conflict")
        assert (await stored(harness, "4145010593")).name == "广西大学"  # type: ignore[union-attr]

    async def test_a_missing_reason_is_a_field_error(self, harness: ServiceHarness):
        body = {k: v for k, v in NEW.items() if k != "reason"}
        response = await harness.client.post(BASE, json=body, headers=admin(harness))
        assert_problem(response, 422, "reason", messages={"reason": "此项为必填项"})


class TestCorrect:
    async def test_the_province_admin_corrects_and_both_sides_are_audited(
        self, harness: ServiceHarness
    ):
        body = {"name": "广西大学（更正）", "city": "450200", "reason": "名称有误"}
        response = await harness.client.patch(
            f"{BASE}/4145010593", json=body, headers=admin(harness)
        )
        assert response.status_code == 200, response.text
        assert response.json()["city_name"] == "柳州市"
        changes = await harness.client.get(f"{BASE}/4145010593/changes", headers=admin(harness))
        latest = changes.json()["items"][0]
        assert latest["action"] == "corrected"
        assert latest["before"]["name"] == "广西大学" and latest["before"]["city"] == "450100"
        assert latest["after"]["name"] == "广西大学（更正）"
        assert latest["after"]["level"] == "本科"  # left out: unchanged

    async def test_another_province_cannot_correct(self, harness: ServiceHarness):
        body = {"name": "篡改", "reason": "x"}
        response = await harness.client.patch(
            f"{BASE}/4145010593", json=body, headers=admin(harness, JS)
        )
        assert_problem(response, 403, slug="forbidden", detail="只能维护本省的院校名单")
        assert (await stored(harness, "4145010593")).name == "广西大学"  # type: ignore[union-attr]

    async def test_another_province_cannot_read_the_audit(self, harness: ServiceHarness):
        response = await harness.client.get(
            f"{BASE}/4145010593/changes", headers=admin(harness, JS)
        )
        assert_problem(response, 403, slug="forbidden")

    async def test_institution_staff_cannot_correct(self, harness: ServiceHarness):
        headers = harness.headers(Role.INSTITUTION_HEAD, org_id="4145010593")
        response = await harness.client.patch(
            f"{BASE}/4145010593", json={"name": "自改", "reason": "x"}, headers=headers
        )
        assert_problem(response, 403, slug="forbidden")

    async def test_a_bad_city_changes_nothing(self, harness: ServiceHarness):
        response = await harness.client.patch(
            f"{BASE}/4145010593",
            json={"name": "新名称", "city": "320100", "reason": "x"},
            headers=admin(harness),
        )
        assert_problem(response, 422, "city")
        entry = await stored(harness, "4145010593")
        assert entry is not None and entry.name == "广西大学" and entry.city == "450100"

    async def test_the_same_content_is_no_correction(self, harness: ServiceHarness):
        before = await count(harness, DirectoryChange)
        response = await harness.client.patch(
            f"{BASE}/4145010593", json={"name": "广西大学", "reason": "x"}, headers=admin(harness)
        )
        assert_problem(response, 422, "body")
        assert await count(harness, DirectoryChange) == before

    async def test_an_unknown_code_is_not_found(self, harness: ServiceHarness):
        response = await harness.client.patch(
            f"{BASE}/4145000000", json={"name": "x", "reason": "x"}, headers=admin(harness)
        )
        assert_problem(response, 404, slug="not-found")
