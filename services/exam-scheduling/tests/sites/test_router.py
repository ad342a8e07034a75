"""Test sites (考点) and rooms (考场) over HTTP."""

from typing import Any

import pytest

from exam_scheduling.sites.models import Room, Site
from skillcert.auth import Role
from skillcert.testing import ServiceHarness, assert_problem

from ..factories import API, INST, count, create_site, org_admin

SITE = {
    "name": "示例职业技术学院考核站点",
    "address": "北京市海淀区示例路1号",
    "institution_name": "示例职业技术学院",
}


def institution(harness: ServiceHarness, org_id: str = INST) -> dict[str, str]:
    return harness.headers(Role.INSTITUTION_ADMIN, org_id=org_id)


class TestCreateSite:
    async def test_institution_admin_creates_a_site_of_its_own_institution(
        self, harness: ServiceHarness
    ):
        response = await harness.client.post(
            f"{API}/sites", json=SITE, headers=institution(harness)
        )
        assert response.status_code == 201
        site = response.json()
        assert site["institution_id"] == INST
        assert site["institution_name"] == "示例职业技术学院"
        assert site["rooms"] == []

    async def test_org_admin_creates_a_site_for_a_named_institution(self, harness: ServiceHarness):
        response = await harness.client.post(
            f"{API}/sites", json={**SITE, "institution_id": INST}, headers=org_admin(harness)
        )
        assert response.status_code == 201
        assert response.json()["institution_id"] == INST

    async def test_org_admin_must_name_the_institution(self, harness: ServiceHarness):
        response = await harness.client.post(f"{API}/sites", json=SITE, headers=org_admin(harness))
        assert_problem(response, 422, "institution_id")
        assert await count(harness, Site) == 0

    async def test_institution_cannot_create_a_site_for_another(self, harness: ServiceHarness):
        response = await harness.client.post(
            f"{API}/sites",
            json={**SITE, "institution_id": "INST-OTHER"},
            headers=institution(harness),
        )
        assert_problem(response, 403, slug="forbidden")
        assert await count(harness, Site) == 0

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"name": ""}, "name"),
            ({"address": "x" * 201}, "address"),
            ({"institution_name": None}, "institution_name"),
        ],
    )
    async def test_bad_field_is_named_and_nothing_written(
        self, harness: ServiceHarness, overrides: dict[str, Any], field: str
    ):
        response = await harness.client.post(
            f"{API}/sites", json={**SITE, **overrides}, headers=institution(harness)
        )
        assert_problem(response, 422, field)
        assert await count(harness, Site) == 0

    async def test_candidates_cannot_create_sites(self, harness: ServiceHarness):
        response = await harness.client.post(
            f"{API}/sites", json=SITE, headers=harness.headers(Role.CANDIDATE)
        )
        assert_problem(response, 403, slug="forbidden")


class TestAddRoom:
    async def test_rooms_are_numbered_within_their_site(self, harness: ServiceHarness):
        site = await create_site(harness)
        url = f"{API}/sites/{site['id']}/rooms"
        first = await harness.client.post(
            url, json={"name": "107室", "capacity": 30}, headers=institution(harness)
        )
        second = await harness.client.post(
            url, json={"name": "13号机房", "capacity": 200}, headers=org_admin(harness)
        )
        assert first.status_code == second.status_code == 201
        assert (first.json()["number"], second.json()["number"]) == (1, 2)
        assert second.json()["capacity"] == 200

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"name": "107室", "capacity": 0}, "capacity"),
            ({"name": "107室", "capacity": 201}, "capacity"),
            ({"name": "107室"}, "capacity"),
            ({"name": " ", "capacity": 30}, "name"),
        ],
    )
    async def test_bad_room_is_named_and_nothing_written(
        self, harness: ServiceHarness, body: dict[str, Any], field: str
    ):
        site = await create_site(harness)
        response = await harness.client.post(
            f"{API}/sites/{site['id']}/rooms", json=body, headers=institution(harness)
        )
        assert_problem(response, 422, field)
        assert await count(harness, Room) == 0

    async def test_same_room_name_twice_is_409(self, harness: ServiceHarness):
        site = await create_site(harness, rooms=(30,))
        response = await harness.client.post(
            f"{API}/sites/{site['id']}/rooms",
            json={"name": "1号机房", "capacity": 10},
            headers=institution(harness),
        )
        assert_problem(response, 409, "name", slug="conflict")
        assert await count(harness, Room) == 1

    async def test_another_institutions_site_is_404(self, harness: ServiceHarness):
        site = await create_site(harness)
        response = await harness.client.post(
            f"{API}/sites/{site['id']}/rooms",
            json={"name": "107室", "capacity": 30},
            headers=institution(harness, "INST-OTHER"),
        )
        assert_problem(response, 404, slug="not-found")
        assert await count(harness, Room) == 0


class TestListSites:
    async def test_institution_sees_only_its_own_sites_with_rooms(self, harness: ServiceHarness):
        await create_site(harness, "本校考点", rooms=(30, 40))
        await harness.client.post(
            f"{API}/sites",
            json={**SITE, "name": "他校考点"},
            headers=institution(harness, "INST-OTHER"),
        )
        own = (await harness.client.get(f"{API}/sites", headers=institution(harness))).json()
        assert [s["name"] for s in own] == ["本校考点"]
        assert [(r["number"], r["capacity"]) for r in own[0]["rooms"]] == [(1, 30), (2, 40)]
        everyone = (await harness.client.get(f"{API}/sites", headers=org_admin(harness))).json()
        assert {s["name"] for s in everyone} == {"本校考点", "他校考点"}

    async def test_candidates_cannot_list_sites(self, harness: ServiceHarness):
        response = await harness.client.get(f"{API}/sites", headers=harness.headers(Role.CANDIDATE))
        assert_problem(response, 403, slug="forbidden")
