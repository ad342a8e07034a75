"""编辑考场: the site's own institution edits a room's name, type, seats and address; seated
candidates keep their seats, so the capacity never drops below the highest seat held."""

import asyncio
from typing import Any
from uuid import UUID

import pytest

from exam_scheduling.allocations.service import AllocationService
from exam_scheduling.sites.models import Room
from skillcert.auth import Role
from skillcert.testing import ServiceHarness, assert_problem

from ..factories import (
    API,
    INST,
    ORG,
    add_rooms,
    approved,
    create_plan,
    create_site,
    institution_admin,
    org_admin,
    paid,
)

OTHER_INST = "INST-OTHER"
OTHER_ORG = "ORG-OTHER"


def edit(**overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "name": "A101 机房",
        "room_type": "computer",
        "capacity": 40,
        "address": "北京市海淀区示例路1号实训楼1层101室",
    }
    payload.update(overrides)
    return payload


async def room_row(harness: ServiceHarness, room_id: str) -> Room:
    async with harness.ctx.sessionmaker() as session:
        room = await session.get(Room, UUID(room_id))
        assert room is not None
        return room


async def published_site(harness: ServiceHarness, capacities: tuple = (3,)) -> dict[str, Any]:
    """A published plan with one site of INST and its rooms; returns ids."""
    plan = await create_plan(harness)
    site = await create_site(harness, plan=plan)
    rooms = await add_rooms(harness, site["id"], plan["id"], capacities)
    published = await harness.client.post(
        f"{API}/plans/{plan['id']}/publish", headers=org_admin(harness)
    )
    assert published.status_code == 200, published.text
    return {"plan": plan["id"], "site": site["id"], "rooms": [r["id"] for r in rooms]}


async def seat(harness: ServiceHarness, plan_id: str, n: int) -> None:
    for _ in range(n):
        approval = approved(plan_id)
        await harness.deliver(approval)
        await harness.deliver(paid(approval))


class TestEdit:
    async def test_the_institution_edits_every_field(self, harness: ServiceHarness):
        world = await published_site(harness)
        [room_id] = world["rooms"]
        response = await harness.client.put(
            f"{API}/sites/{world['site']}/rooms/{room_id}",
            json=edit(room_type="written"),
            headers=institution_admin(harness),
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["name"], body["room_type"], body["capacity"], body["address"]) == (
            "A101 机房",
            "written",
            40,
            "北京市海淀区示例路1号实训楼1层101室",
        )
        row = await room_row(harness, room_id)
        assert (row.name, row.room_type, row.capacity, str(row.plan_id), row.number) == (
            "A101 机房",
            "written",
            40,
            world["plan"],
            1,
        )

    async def test_capacity_below_the_highest_seat_held_is_a_field_error(
        self, harness: ServiceHarness
    ):
        world = await published_site(harness, (3,))
        [room_id] = world["rooms"]
        await seat(harness, world["plan"], 2)
        url = f"{API}/sites/{world['site']}/rooms/{room_id}"
        response = await harness.client.put(
            url, json=edit(capacity=1), headers=institution_admin(harness)
        )
        assert_problem(
            response,
            409,
            "capacity",
            slug="conflict",
            messages={"capacity": "已安排 2 名考生（最大座位号 2），容量不能少于 2"},
        )
        row = await room_row(harness, room_id)
        assert (row.name, row.capacity) == ("1号机房", 3)
        # Down to exactly the seats held is fine.
        response = await harness.client.put(
            url, json=edit(capacity=2), headers=institution_admin(harness)
        )
        assert response.status_code == 200, response.text
        assert (await room_row(harness, room_id)).capacity == 2

    async def test_a_room_with_candidates_keeps_its_type(self, harness: ServiceHarness):
        world = await published_site(harness, (3,))
        [room_id] = world["rooms"]
        await seat(harness, world["plan"], 1)
        response = await harness.client.put(
            f"{API}/sites/{world['site']}/rooms/{room_id}",
            json=edit(room_type="practical"),
            headers=institution_admin(harness),
        )
        assert_problem(
            response,
            409,
            "room_type",
            slug="conflict",
            messages={"room_type": "考场已安排考生，不能更改考场类型"},
        )
        assert (await room_row(harness, room_id)).room_type == "computer"

    async def test_the_name_of_another_room_of_the_plan_is_a_field_error(
        self, harness: ServiceHarness
    ):
        world = await published_site(harness, (3, 4))
        first, second = world["rooms"]
        response = await harness.client.put(
            f"{API}/sites/{world['site']}/rooms/{second}",
            json=edit(name="1号机房"),
            headers=institution_admin(harness),
        )
        assert_problem(response, 409, "name", slug="conflict")
        assert (await room_row(harness, second)).name == "2号机房"
        # Keeping its own name is not a clash.
        response = await harness.client.put(
            f"{API}/sites/{world['site']}/rooms/{first}",
            json=edit(name="1号机房", capacity=5),
            headers=institution_admin(harness),
        )
        assert response.status_code == 200, response.text

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"capacity": 0}, "capacity"),
            ({"room_type": "lab"}, "room_type"),
            ({"name": ""}, "name"),
            ({"address": "x" * 201}, "address"),
            ({"plan_id": "00000000-0000-0000-0000-000000000000"}, "plan_id"),
        ],
    )
    async def test_bad_input_is_named_and_nothing_written(
        self, harness: ServiceHarness, overrides: dict[str, Any], field: str
    ):
        world = await published_site(harness)
        [room_id] = world["rooms"]
        response = await harness.client.put(
            f"{API}/sites/{world['site']}/rooms/{room_id}",
            json=edit(**overrides),
            headers=institution_admin(harness),
        )
        assert_problem(response, 422, field)
        assert (await room_row(harness, room_id)).name == "1号机房"

    async def test_a_room_of_another_site_is_not_found(self, harness: ServiceHarness):
        world = await published_site(harness)
        other = await create_site(harness, "另一考点")
        response = await harness.client.put(
            f"{API}/sites/{other['id']}/rooms/{world['rooms'][0]}",
            json=edit(),
            headers=institution_admin(harness),
        )
        assert_problem(response, 404, slug="not-found")
        assert (await room_row(harness, world["rooms"][0])).name == "1号机房"


class TestFromTheOtherSide:
    @pytest.mark.parametrize(
        ("role", "org_id", "status"),
        [
            (Role.INSTITUTION_ADMIN, OTHER_INST, 404),  # another institution: not its site
            (Role.INSTITUTION_HEAD, INST, 403),  # the head does not set up rooms
            (Role.ORG_ADMIN, ORG, 403),  # the organisation sees rooms, never edits them
            (Role.ORG_ADMIN, OTHER_ORG, 403),
            (Role.CANDIDATE, None, 403),
        ],
    )
    async def test_only_the_sites_own_institution_edits(
        self, harness: ServiceHarness, role: Role, org_id: str | None, status: int
    ):
        world = await published_site(harness)
        [room_id] = world["rooms"]
        response = await harness.client.put(
            f"{API}/sites/{world['site']}/rooms/{room_id}",
            json=edit(),
            headers=harness.headers(role, org_id=org_id),
        )
        assert_problem(response, status)
        row = await room_row(harness, room_id)
        assert (row.name, row.capacity) == ("1号机房", 3)

    async def test_anonymous_is_401(self, harness: ServiceHarness):
        world = await published_site(harness)
        response = await harness.client.put(
            f"{API}/sites/{world['site']}/rooms/{world['rooms'][0]}", json=edit()
        )
        assert_problem(response, 401, slug="unauthorized")


class TestConcurrency:
    async def test_an_edit_waits_for_a_seating_in_progress_and_then_sees_the_seat(
        self, harness: ServiceHarness
    ):
        """A payment being seated holds the plan's lock; an edit lowering the capacity waits for
        it and then refuses, instead of counting the seats before the payment commits."""
        world = await published_site(harness, (2,))
        [room_id] = world["rooms"]
        await seat(harness, world["plan"], 1)
        approval = approved(world["plan"])
        await harness.deliver(approval)
        async with harness.ctx.sessionmaker() as session, session.begin():
            allocation = await AllocationService(session).allocate(paid(approval))
            assert allocation is not None and allocation.seat_number == 2
            editing = asyncio.create_task(
                harness.client.put(
                    f"{API}/sites/{world['site']}/rooms/{room_id}",
                    json=edit(capacity=1),
                    headers=institution_admin(harness),
                )
            )
            await asyncio.sleep(0.5)
            assert not editing.done(), "the edit must wait for the plan's lock"
        response = await editing
        assert_problem(response, 409, "capacity", slug="conflict")
        assert (await room_row(harness, room_id)).capacity == 2
