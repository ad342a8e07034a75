"""考点编排, 考场编排 and 排考明细: the institution sees its own sites' arrangements, the
organisation those of its own plans, with counts; ID numbers masked in the list and the export."""

import io
from typing import Any

import openpyxl
import pytest

from skillcert.auth import Role
from skillcert.testing import ServiceHarness, assert_problem

from ..factories import (
    API,
    INST,
    ORG,
    approved,
    create_plan,
    create_site,
    institution_admin,
    org_admin,
    paid,
)

OTHER_INST = "INST-OTHER"
OTHER_ORG = "ORG-OTHER"
FULL_ID = "110101199003074514"


@pytest.fixture
async def world(harness: ServiceHarness) -> dict[str, Any]:
    """One published plan of ORG served by INST's site (rooms of 2 and 3 seats) and then
    OTHER_INST's (one room of 4); six paid candidates fill INST's five seats first."""
    plan = await create_plan(harness)
    ours = await create_site(harness, "本校考点", (2, 3), plan=plan)
    theirs = await create_site(harness, "他校考点", (4,), plan=plan, institution=OTHER_INST)
    published = await harness.client.post(
        f"{API}/plans/{plan['id']}/publish", headers=org_admin(harness)
    )
    assert published.status_code == 200, published.text
    for i in range(6):
        approval = approved(plan["id"], candidate_name=f"考生{i}", id_number=FULL_ID)
        await harness.deliver(approval)
        await harness.deliver(paid(approval))
    return {"plan": plan, "ours": ours, "theirs": theirs}


class TestInstitution:
    async def test_sees_its_own_sites_rooms_and_counts(
        self, harness: ServiceHarness, world: dict[str, Any]
    ):
        response = await harness.client.get(
            f"{API}/arrangements", headers=institution_admin(harness)
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["counts"] == {"sites": 1, "rooms": 2, "seats": 5, "seated": 5, "free": 0}
        [site] = body["sites"]
        assert (site["site_name"], site["plan_number"], site["rooms"], site["seated"]) == (
            "本校考点",
            world["plan"]["number"],
            2,
            5,
        )
        assert [(r["room_name"], r["capacity"], r["seated"]) for r in body["rooms"]] == [
            ("1号机房", 2, 2),
            ("2号机房", 3, 3),
        ]
        assert body["rooms"][0]["address"] == "北京市海淀区示例路1号实训楼3层301室"

    async def test_details_list_its_candidates_with_masked_ids(
        self, harness: ServiceHarness, world: dict[str, Any]
    ):
        response = await harness.client.get(
            f"{API}/arrangements/details",
            params={"plan_id": world["plan"]["id"]},
            headers=harness.headers(Role.INSTITUTION_HEAD, org_id=INST),
        )
        assert response.status_code == 200, response.text
        lines = response.json()
        assert [(d["room_name"], d["seat_number"]) for d in lines] == [
            ("1号机房", 1),
            ("1号机房", 2),
            ("2号机房", 1),
            ("2号机房", 2),
            ("2号机房", 3),
        ]
        assert {d["site_name"] for d in lines} == {"本校考点"}
        assert {d["id_number"] for d in lines} == {"110101********4514"}
        assert FULL_ID not in response.text

    async def test_the_export_is_a_workbook_with_masked_ids(
        self, harness: ServiceHarness, world: dict[str, Any]
    ):
        response = await harness.client.get(
            f"{API}/arrangements/details.xlsx", headers=institution_admin(harness)
        )
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        assert sheet is not None
        rows = [[c.value for c in row] for row in sheet.iter_rows()]
        assert rows[0][:3] == ["计划编号", "考试计划", "考试时间"]
        assert len(rows) == 6
        assert {r[3] for r in rows[1:]} == {"本校考点"}
        assert {r[9] for r in rows[1:]} == {"110101********4514"}
        assert {r[5] for r in rows[1:]} == {"机考"}
        # China time: the factory's exam starts 2026-05-16T01:00Z.
        assert rows[1][2] == "2026-05-16 09:00"
        assert all(FULL_ID not in str(v) for r in rows for v in r)

    async def test_another_institution_sees_only_its_own(
        self, harness: ServiceHarness, world: dict[str, Any]
    ):
        headers = institution_admin(harness, OTHER_INST)
        body = (await harness.client.get(f"{API}/arrangements", headers=headers)).json()
        assert body["counts"] == {"sites": 1, "rooms": 1, "seats": 4, "seated": 1, "free": 3}
        assert [s["site_name"] for s in body["sites"]] == ["他校考点"]
        details = await harness.client.get(f"{API}/arrangements/details", headers=headers)
        assert [d["site_name"] for d in details.json()] == ["他校考点"]

    async def test_an_institution_with_no_site_in_the_plan_gets_404_for_it(
        self, harness: ServiceHarness, world: dict[str, Any]
    ):
        headers = institution_admin(harness, "INST-THIRD")
        for path in ("/arrangements", "/arrangements/details", "/arrangements/details.xlsx"):
            response = await harness.client.get(
                API + path, params={"plan_id": world["plan"]["id"]}, headers=headers
            )
            assert_problem(response, 404, slug="not-found")
        unfiltered = await harness.client.get(f"{API}/arrangements", headers=headers)
        assert unfiltered.json() == {
            "counts": {"sites": 0, "rooms": 0, "seats": 0, "seated": 0, "free": 0},
            "sites": [],
            "rooms": [],
        }


class TestOrganisation:
    async def test_sees_every_site_of_its_plan(
        self, harness: ServiceHarness, world: dict[str, Any]
    ):
        response = await harness.client.get(
            f"{API}/arrangements",
            params={"plan_id": world["plan"]["id"]},
            headers=org_admin(harness),
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["counts"] == {"sites": 2, "rooms": 3, "seats": 9, "seated": 6, "free": 3}
        assert [s["site_name"] for s in body["sites"]] == ["本校考点", "他校考点"]
        details = await harness.client.get(
            f"{API}/arrangements/details", headers=org_admin(harness)
        )
        assert len(details.json()) == 6

    async def test_a_plan_with_no_site_yet_is_empty_not_missing(self, harness: ServiceHarness):
        plan = await create_plan(harness)
        response = await harness.client.get(
            f"{API}/arrangements", params={"plan_id": plan["id"]}, headers=org_admin(harness)
        )
        assert response.status_code == 200, response.text
        assert response.json()["counts"]["sites"] == 0

    async def test_another_organisations_plan_is_not_found(
        self, harness: ServiceHarness, world: dict[str, Any]
    ):
        headers = org_admin(harness, OTHER_ORG)
        for path in ("/arrangements", "/arrangements/details", "/arrangements/details.xlsx"):
            response = await harness.client.get(
                API + path, params={"plan_id": world["plan"]["id"]}, headers=headers
            )
            assert_problem(response, 404, slug="not-found")
        unfiltered = await harness.client.get(f"{API}/arrangements/details", headers=headers)
        assert unfiltered.json() == []


class TestFromTheOtherSide:
    @pytest.mark.parametrize(
        "path", ["/arrangements", "/arrangements/details", "/arrangements/details.xlsx"]
    )
    @pytest.mark.parametrize("role", [Role.CANDIDATE, Role.REVIEWER])
    async def test_other_roles_are_403(self, harness: ServiceHarness, path: str, role: Role):
        response = await harness.client.get(API + path, headers=harness.headers(role, org_id=ORG))
        assert_problem(response, 403, slug="forbidden")

    @pytest.mark.parametrize(
        "path", ["/arrangements", "/arrangements/details", "/arrangements/details.xlsx"]
    )
    async def test_anonymous_is_401(self, harness: ServiceHarness, path: str):
        assert_problem(await harness.client.get(API + path), 401, slug="unauthorized")

    async def test_a_bad_plan_id_is_a_field_error(self, harness: ServiceHarness):
        response = await harness.client.get(
            f"{API}/arrangements", params={"plan_id": "nope"}, headers=org_admin(harness)
        )
        assert_problem(response, 422, "query.plan_id")
