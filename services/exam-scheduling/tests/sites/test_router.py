"""Exam sites (考核站点) and rooms (考场) over HTTP: the application and the organisation's
decision, rooms per exam plan, and who may see and touch what."""

from typing import Any
from uuid import UUID

import pytest

from exam_scheduling.sites.models import Room, Site
from skillcert.auth import Role
from skillcert.testing import ServiceHarness, assert_problem

from ..factories import (
    API,
    INST,
    ORG,
    SUPPLY_CHAIN,
    add_rooms,
    count,
    create_plan,
    create_site,
    institution_admin,
    org_admin,
    room_payload,
    site_payload,
)

OTHER_INST = "INST-OTHER"
OTHER_ORG = "ORG-OTHER"


async def site_status(harness: ServiceHarness, site_id: str) -> str:
    async with harness.ctx.sessionmaker() as session:
        site = await session.get(Site, UUID(site_id))
        assert site is not None
        return site.status


class TestApply:
    async def test_the_institution_applies_for_its_own_site(self, harness: ServiceHarness):
        response = await harness.client.post(
            f"{API}/sites", json=site_payload(), headers=institution_admin(harness)
        )
        assert response.status_code == 201, response.text
        site = response.json()
        assert (site["institution_id"], site["org_id"], site["status"]) == (INST, ORG, "pending")
        assert site["org_name"] == "示例培训评价组织"
        assert site["region"] == "北京市 市辖区 海淀区"
        assert site["certificates"] == [{"occupation_code": "4-01-02-02", "level": 1}]

    async def test_an_institution_id_in_the_body_is_refused(self, harness: ServiceHarness):
        # The owner is always the caller's institution; naming another one is not a field.
        response = await harness.client.post(
            f"{API}/sites",
            json={**site_payload(), "institution_id": OTHER_INST},
            headers=institution_admin(harness),
        )
        assert_problem(response, 422, "institution_id")
        assert await count(harness, Site) == 0

    @pytest.mark.parametrize(
        ("overrides", "field", "message"),
        [
            ({"name": ""}, "name", None),
            ({"address": "x" * 201}, "address", None),
            ({"contact_phone": "1380013800"}, "contact_phone", None),
            ({"contact_email": "not-an-email"}, "contact_email", None),
            ({"certificates": []}, "certificates", None),
            ({"org_id": "ORG-NOBODY"}, "org_id", "培训评价组织不存在"),
            ({"province_code": "990000"}, "province_code", None),
            ({"city_code": "320100"}, "city_code", "所选城市不属于所选省份"),
            ({"county_code": None}, "county_code", "请选择区县"),
            (
                {"certificates": [{"occupation_code": "4-01-02-01", "level": 1}]},
                "certificates.0.occupation_code",
                "该证书不存在或未开放认定",
            ),
            (
                {
                    "certificates": [
                        {"occupation_code": "4-01-02-02", "level": 1},
                        {"occupation_code": "4-01-02-02", "level": 1},
                    ]
                },
                "certificates.1.level",
                "证书重复",
            ),
        ],
    )
    async def test_a_bad_field_is_named_in_chinese_and_nothing_written(
        self, harness: ServiceHarness, overrides: dict[str, Any], field: str, message: str | None
    ):
        response = await harness.client.post(
            f"{API}/sites", json=site_payload(**overrides), headers=institution_admin(harness)
        )
        assert_problem(response, 422, field, messages={field: message} if message else None)
        assert await count(harness, Site) == 0

    @pytest.mark.parametrize(
        "role", [Role.ORG_ADMIN, Role.CANDIDATE, Role.REVIEWER, Role.INSTITUTION_HEAD]
    )
    async def test_only_an_institution_admin_applies(self, harness: ServiceHarness, role: Role):
        response = await harness.client.post(
            f"{API}/sites", json=site_payload(), headers=harness.headers(role, org_id=INST)
        )
        assert_problem(response, 403, slug="forbidden")
        assert await count(harness, Site) == 0

    async def test_anonymous_is_401(self, harness: ServiceHarness):
        response = await harness.client.post(f"{API}/sites", json=site_payload())
        assert_problem(response, 401, slug="unauthorized")


class TestDecision:
    async def test_the_organisation_approves_once(self, harness: ServiceHarness):
        site = await create_site(harness, approve=False)
        url = f"{API}/sites/{site['id']}/approve"
        response = await harness.client.post(url, headers=org_admin(harness))
        assert response.status_code == 200, response.text
        assert response.json()["status"] == "approved"
        assert response.json()["decided_at"] is not None
        again = await harness.client.post(url, headers=org_admin(harness))
        assert_problem(again, 409, slug="conflict", detail="该考点申报已审核，不能再次审核")

    async def test_a_rejection_carries_its_reason(self, harness: ServiceHarness):
        site = await create_site(harness, approve=False)
        response = await harness.client.post(
            f"{API}/sites/{site['id']}/reject",
            json={"reason": "机房数量不满足考核站点建设标准"},
            headers=org_admin(harness),
        )
        assert response.status_code == 200, response.text
        assert response.json()["status"] == "rejected"
        mine = await harness.client.get(
            f"{API}/sites/{site['id']}", headers=institution_admin(harness)
        )
        assert mine.json()["decision_reason"] == "机房数量不满足考核站点建设标准"
        approve = await harness.client.post(
            f"{API}/sites/{site['id']}/approve", headers=org_admin(harness)
        )
        assert_problem(approve, 409, slug="conflict")

    async def test_a_rejection_without_reason_is_422(self, harness: ServiceHarness):
        site = await create_site(harness, approve=False)
        response = await harness.client.post(
            f"{API}/sites/{site['id']}/reject", json={"reason": " "}, headers=org_admin(harness)
        )
        assert_problem(response, 422, "reason")
        assert await site_status(harness, site["id"]) == "pending"


class TestRooms:
    async def test_rooms_are_set_up_per_plan_and_numbered_within_it(self, harness: ServiceHarness):
        plan = await create_plan(harness)
        site = await create_site(harness, rooms=(30, 200), plan=plan)
        response = await harness.client.get(
            f"{API}/sites/{site['id']}/rooms", headers=institution_admin(harness)
        )
        assert response.status_code == 200
        [served] = response.json()["plans"]
        assert served["plan_id"] == plan["id"]
        assert served["plan_number"] == plan["number"]
        assert [(r["number"], r["capacity"], r["room_type"]) for r in served["rooms"]] == [
            (1, 30, "computer"),
            (2, 200, "computer"),
        ]
        assert served["rooms"][0]["address"] == "北京市海淀区示例路1号实训楼3层301室"

    async def test_the_next_plan_copies_the_previous_rooms(self, harness: ServiceHarness):
        first = await create_plan(harness)
        site = await create_site(harness, rooms=(30, 40), plan=first)
        second = await create_plan(
            harness,
            exam_starts_at="2026-06-16T09:00:00+08:00",
            exam_ends_at="2026-06-16T11:00:00+08:00",
        )
        await harness.client.post(
            f"{API}/plans/{second['id']}/sites",
            json={"site_ids": [site["id"]]},
            headers=org_admin(harness),
        )
        url = f"{API}/sites/{site['id']}/rooms/copy"
        response = await harness.client.post(
            url, json={"plan_id": second["id"]}, headers=institution_admin(harness)
        )
        assert response.status_code == 201, response.text
        copied = response.json()
        assert [(r["name"], r["capacity"], r["plan_id"]) for r in copied] == [
            ("1号机房", 30, second["id"]),
            ("2号机房", 40, second["id"]),
        ]
        again = await harness.client.post(
            url, json={"plan_id": second["id"]}, headers=institution_admin(harness)
        )
        assert_problem(again, 409, slug="conflict")
        assert await count(harness, Room) == 4

    async def test_nothing_to_copy_is_named(self, harness: ServiceHarness):
        plan = await create_plan(harness)
        site = await create_site(harness, plan=plan)
        response = await harness.client.post(
            f"{API}/sites/{site['id']}/rooms/copy",
            json={"plan_id": plan["id"]},
            headers=institution_admin(harness),
        )
        assert_problem(response, 422, "from_plan_id")
        assert await count(harness, Room) == 0

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"capacity": 0}, "capacity"),
            ({"capacity": 201}, "capacity"),
            ({"capacity": None}, "capacity"),
            ({"name": " "}, "name"),
            ({"room_type": "lab"}, "room_type"),
            ({"address": ""}, "address"),
        ],
    )
    async def test_a_bad_room_is_named_and_nothing_written(
        self, harness: ServiceHarness, overrides: dict[str, Any], field: str
    ):
        plan = await create_plan(harness)
        site = await create_site(harness, plan=plan)
        response = await harness.client.post(
            f"{API}/sites/{site['id']}/rooms",
            json=room_payload(plan["id"], **overrides),
            headers=institution_admin(harness),
        )
        assert_problem(response, 422, field)
        assert await count(harness, Room) == 0

    async def test_a_plan_the_site_does_not_serve_is_named(self, harness: ServiceHarness):
        plan = await create_plan(harness)
        site = await create_site(harness)
        response = await harness.client.post(
            f"{API}/sites/{site['id']}/rooms",
            json=room_payload(plan["id"]),
            headers=institution_admin(harness),
        )
        assert_problem(response, 422, "plan_id", messages={"plan_id": "该考核站点未承接此考试计划"})
        assert await count(harness, Room) == 0

    async def test_the_same_name_twice_in_one_plan_is_409(self, harness: ServiceHarness):
        plan = await create_plan(harness)
        site = await create_site(harness, rooms=(30,), plan=plan)
        response = await harness.client.post(
            f"{API}/sites/{site['id']}/rooms",
            json=room_payload(plan["id"]),
            headers=institution_admin(harness),
        )
        assert_problem(response, 409, "name", slug="conflict")
        assert await count(harness, Room) == 1

    async def test_a_room_nobody_sits_in_is_removed(self, harness: ServiceHarness):
        plan = await create_plan(harness)
        site = await create_site(harness, plan=plan)
        [room] = await add_rooms(harness, site["id"], plan["id"], (30,))
        response = await harness.client.delete(
            f"{API}/sites/{site['id']}/rooms/{room['id']}", headers=institution_admin(harness)
        )
        assert response.status_code == 204
        assert await count(harness, Room) == 0


class TestBorrowing:
    async def test_the_organisation_assigns_an_approved_site_of_another_institution(
        self, harness: ServiceHarness
    ):
        host = await create_site(harness, institution=OTHER_INST)
        asked = await harness.client.post(
            f"{API}/site-borrowings",
            json={
                "org_id": ORG,
                "institution_name": "示例职业技术学院",
                "occupation_code": "4-01-02-02",
                "level": 1,
                "candidate_count": 25,
                "note": "本校暂无符合标准的机房",
            },
            headers=institution_admin(harness),
        )
        assert asked.status_code == 201, asked.text
        assert asked.json()["status"] == "requested"
        url = f"{API}/site-borrowings/{asked.json()['id']}/assign"
        response = await harness.client.post(
            url, json={"site_id": host["id"]}, headers=org_admin(harness)
        )
        assert response.status_code == 200, response.text
        assert (response.json()["status"], response.json()["site_name"]) == (
            "assigned",
            host["name"],
        )
        mine = await harness.client.get(
            f"{API}/site-borrowings", headers=institution_admin(harness)
        )
        assert [b["site_id"] for b in mine.json()] == [host["id"]]
        again = await harness.client.post(
            url, json={"site_id": host["id"]}, headers=org_admin(harness)
        )
        assert_problem(again, 409, slug="conflict")

    async def test_a_site_without_the_certificate_is_refused_at_its_field(
        self, harness: ServiceHarness
    ):
        host = await create_site(harness, institution=OTHER_INST)
        asked = await harness.client.post(
            f"{API}/site-borrowings",
            json={
                "org_id": ORG,
                "institution_name": "示例职业技术学院",
                "occupation_code": SUPPLY_CHAIN,
                "level": 2,
                "candidate_count": 10,
            },
            headers=institution_admin(harness),
        )
        response = await harness.client.post(
            f"{API}/site-borrowings/{asked.json()['id']}/assign",
            json={"site_id": host["id"]},
            headers=org_admin(harness),
        )
        assert_problem(response, 422, "site_id")

    async def test_an_unknown_organisation_is_named(self, harness: ServiceHarness):
        response = await harness.client.post(
            f"{API}/site-borrowings",
            json={
                "org_id": "ORG-NOBODY",
                "institution_name": "示例职业技术学院",
                "occupation_code": "4-01-02-02",
                "level": 1,
                "candidate_count": 10,
            },
            headers=institution_admin(harness),
        )
        assert_problem(response, 422, "org_id", messages={"org_id": "培训评价组织不存在"})


class TestWhoSeesWhat:
    async def test_an_institution_sees_its_own_an_organisation_those_addressed_to_it(
        self, harness: ServiceHarness
    ):
        await create_site(harness, "本校考点")
        await create_site(harness, "他校考点", institution=OTHER_INST, approve=False)
        own = await harness.client.get(f"{API}/sites", headers=institution_admin(harness))
        assert [s["name"] for s in own.json()] == ["本校考点"]
        ours = await harness.client.get(f"{API}/sites", headers=org_admin(harness))
        assert {s["name"] for s in ours.json()} == {"本校考点", "他校考点"}
        other = await harness.client.get(f"{API}/sites", headers=org_admin(harness, OTHER_ORG))
        assert other.status_code == 200 and other.json() == []

    async def test_the_organisations_are_listed_for_the_application(self, harness: ServiceHarness):
        response = await harness.client.get(
            f"{API}/organisations", headers=institution_admin(harness)
        )
        assert response.json() == [{"org_id": ORG, "name": "示例培训评价组织"}]
        denied = await harness.client.get(
            f"{API}/organisations", headers=harness.headers(Role.CANDIDATE)
        )
        assert_problem(denied, 403, slug="forbidden")


# Every site operation from the other side: (method, path, body kind, roles the route admits).
STAFF = {Role.ORG_ADMIN, Role.INSTITUTION_ADMIN, Role.INSTITUTION_HEAD}
ORG_ONLY = {Role.ORG_ADMIN}
INST_ONLY = {Role.INSTITUTION_ADMIN}
OPERATIONS: list[tuple[str, str, str, set[Role]]] = [
    ("GET", "/sites/{site}", "none", STAFF),
    ("POST", "/sites/{site}/approve", "none", ORG_ONLY),
    ("POST", "/sites/{site}/reject", "reason", ORG_ONLY),
    ("GET", "/sites/{served}/rooms", "none", STAFF),
    ("POST", "/sites/{served}/rooms", "room", INST_ONLY),
    ("POST", "/sites/{served}/rooms/copy", "copy", INST_ONLY),
    ("PUT", "/sites/{served}/rooms/{room}", "edit", INST_ONLY),
    ("DELETE", "/sites/{served}/rooms/{room}", "none", INST_ONLY),
    ("POST", "/site-borrowings/{borrowing}/assign", "assign", ORG_ONLY),
    ("POST", "/site-borrowings/{borrowing}/reject", "reason", ORG_ONLY),
]
# Outsiders: another organisation, another institution, a candidate, a reviewer, nobody. A role
# the route admits gets 404 (another's site is as if it did not exist), any other role 403.
OUTSIDERS: list[tuple[Role | None, str | None]] = [
    (Role.ORG_ADMIN, OTHER_ORG),
    (Role.INSTITUTION_ADMIN, OTHER_INST),
    (Role.INSTITUTION_HEAD, OTHER_INST),
    (Role.CANDIDATE, None),
    (Role.REVIEWER, ORG),
    (None, None),
]


class TestFromTheOtherSide:
    @pytest.fixture
    async def world(self, harness: ServiceHarness) -> dict[str, str]:
        plan = await create_plan(harness)
        site = await create_site(harness, rooms=(30,), plan=plan)
        pending = await create_site(harness, "待审核考点", approve=False)
        rooms = await harness.client.get(
            f"{API}/sites/{site['id']}/rooms", headers=institution_admin(harness)
        )
        borrowing = await harness.client.post(
            f"{API}/site-borrowings",
            json={
                "org_id": ORG,
                "institution_name": "另一所学院",
                "occupation_code": "4-01-02-02",
                "level": 1,
                "candidate_count": 5,
            },
            headers=institution_admin(harness, "INST-THIRD"),
        )
        assert borrowing.status_code == 201, borrowing.text
        return {
            "site": pending["id"],
            "served": site["id"],
            "plan": plan["id"],
            "room": rooms.json()["plans"][0]["rooms"][0]["id"],
            "borrowing": borrowing.json()["id"],
        }

    @pytest.mark.parametrize(("method", "path", "body", "admits"), OPERATIONS)
    @pytest.mark.parametrize(("role", "org_id"), OUTSIDERS)
    async def test_outsiders_are_refused_and_nothing_changes(
        self,
        harness: ServiceHarness,
        world: dict[str, str],
        method: str,
        path: str,
        body: str,
        admits: set[Role],
        role: Role | None,
        org_id: str | None,
    ):
        url = API + path.format(**world)
        payload = {
            "none": None,
            "reason": {"reason": "不符合要求"},
            "room": room_payload(world["plan"], name="新考场"),
            "copy": {"plan_id": world["plan"]},
            "edit": {"name": "改名", "room_type": "written", "capacity": 9, "address": "别处"},
            "assign": {"site_id": world["served"]},
        }[body]
        headers = harness.headers(role, org_id=org_id) if role is not None else {}
        response = await harness.client.request(method, url, json=payload, headers=headers)
        if role is None:
            assert_problem(response, 401, slug="unauthorized")
        elif role in admits:
            assert_problem(response, 404, slug="not-found")
        else:
            assert_problem(response, 403, slug="forbidden")
        assert await site_status(harness, world["site"]) == "pending"
        assert await count(harness, Room) == 1
        async with harness.ctx.sessionmaker() as session:
            room = await session.get(Room, UUID(world["room"]))
            assert room is not None and (room.name, room.capacity) == ("1号机房", 30)
        mine = await harness.client.get(f"{API}/site-borrowings", headers=org_admin(harness))
        assert [b["status"] for b in mine.json()] == ["requested"]

    @pytest.mark.parametrize(
        ("role", "org_id"), [(Role.ORG_ADMIN, OTHER_ORG), (Role.INSTITUTION_ADMIN, OTHER_INST)]
    )
    async def test_outsiders_list_nothing_of_others(
        self, harness: ServiceHarness, world: dict[str, str], role: Role, org_id: str
    ):
        headers = harness.headers(role, org_id=org_id)
        for path in ("/sites", "/site-borrowings"):
            response = await harness.client.get(API + path, headers=headers)
            assert (response.status_code, response.json()) == (200, [])

    @pytest.mark.parametrize("path", ["/sites", "/site-borrowings", "/organisations"])
    async def test_candidates_and_anonymous_list_nothing(self, harness: ServiceHarness, path: str):
        denied = await harness.client.get(API + path, headers=harness.headers(Role.CANDIDATE))
        assert_problem(denied, 403, slug="forbidden")
        anonymous = await harness.client.get(API + path)
        assert_problem(anonymous, 401, slug="unauthorized")

    async def test_the_organisation_may_look_at_rooms_but_not_set_them_up(
        self, harness: ServiceHarness, world: dict[str, str]
    ):
        url = f"{API}/sites/{world['served']}/rooms"
        seen = await harness.client.get(url, headers=org_admin(harness))
        assert seen.status_code == 200
        response = await harness.client.post(
            url, json=room_payload(world["plan"], name="新考场"), headers=org_admin(harness)
        )
        assert_problem(response, 403, slug="forbidden")
        assert await count(harness, Room) == 1

    async def test_an_institution_cannot_decide_on_its_own_site(
        self, harness: ServiceHarness, world: dict[str, str]
    ):
        response = await harness.client.post(
            f"{API}/sites/{world['site']}/approve", headers=institution_admin(harness)
        )
        assert_problem(response, 403, slug="forbidden")
        assert await site_status(harness, world["site"]) == "pending"

    async def test_another_organisation_cannot_attach_the_site_to_its_plan(
        self, harness: ServiceHarness, world: dict[str, str]
    ):
        plan = await create_plan(harness, org_id=OTHER_ORG)
        response = await harness.client.post(
            f"{API}/plans/{plan['id']}/sites",
            json={"site_ids": [world["served"]]},
            headers=org_admin(harness, OTHER_ORG),
        )
        assert_problem(response, 422, "site_ids.0")

    async def test_a_pending_site_cannot_be_attached(
        self, harness: ServiceHarness, world: dict[str, str]
    ):
        response = await harness.client.post(
            f"{API}/plans/{world['plan']}/sites",
            json={"site_ids": [world["site"]]},
            headers=org_admin(harness),
        )
        assert_problem(response, 422, "site_ids.0")

    async def test_a_site_without_the_plans_certificate_cannot_be_attached(
        self, harness: ServiceHarness
    ):
        plan = await create_plan(harness, level=2, conditions=[])
        site = await create_site(harness)
        response = await harness.client.post(
            f"{API}/plans/{plan['id']}/sites",
            json={"site_ids": [site["id"]]},
            headers=org_admin(harness),
        )
        assert_problem(
            response,
            422,
            "site_ids.0",
            messages={"site_ids.0": "考核站点不存在，或未获批承办本证书的考试"},
        )
