"""The option lists and the cascading division selects."""

from skillcert.auth import Role
from skillcert.testing import ServiceHarness, assert_problem
from tests.conftest import API, Kit


class TestOptions:
    async def test_every_list_of_the_form(self, kit: Kit):
        response = await kit.client.get(f"{API}/options", headers=kit.candidate())
        assert response.status_code == 200
        body = response.json()
        ethnic = body["ethnic_groups"]
        assert len(ethnic) == 56
        assert ethnic[0] == {"value": "汉族", "label": "汉族", "code": "01"}
        assert ethnic[-1]["value"] == "基诺族" and ethnic[-1]["code"] == "56"
        political = {o["value"]: o["code"] for o in body["political_statuses"]}
        assert political["中国共产党党员"] == "01" and political["群众"] == "13"
        assert "本科" in [o["value"] for o in body["education_levels"]]
        assert body["default_assessment_category"] == "考核鉴定"
        assert "社会人员" in [o["value"] for o in body["candidate_sources"]]
        assert {o["value"] for o in body["identities"]} == {"teacher", "student", "employee"}
        assert body["id_types"][0] == {"value": "resident_id", "label": "居民身份证", "code": None}
        assert len(body["materials"]) == 8
        assert body["enterprise_types"] and body["levels"][0]["label"] == "一级/高级技师"

    async def test_needs_a_login(self, kit: Kit):
        assert_problem(await kit.client.get(f"{API}/options"), 401)


class TestDivisions:
    async def test_provinces_cities_counties(self, kit: Kit):
        headers = kit.candidate()
        provinces = (await kit.client.get(f"{API}/divisions", headers=headers)).json()
        assert len(provinces) == 34
        shandong = next(p for p in provinces if p["code"] == "370000")
        assert shandong == {"code": "370000", "name": "山东省", "level": 1, "has_children": True}
        cities = (
            await kit.client.get(f"{API}/divisions", params={"parent": "370000"}, headers=headers)
        ).json()
        assert {"code": "370700", "name": "潍坊市", "level": 2, "has_children": True} in cities
        counties = (
            await kit.client.get(f"{API}/divisions", params={"parent": "370700"}, headers=headers)
        ).json()
        assert counties[0] == {
            "code": "370702",
            "name": "潍城区",
            "level": 3,
            "has_children": False,
        }

    async def test_unknown_parent_is_422_on_parent(self, kit: Kit, harness: ServiceHarness):
        response = await kit.client.get(
            f"{API}/divisions",
            params={"parent": "999999"},
            headers=harness.headers(Role.CANDIDATE),
        )
        assert [e["field"] for e in assert_problem(response, 422)["errors"]] == ["parent"]
