"""Admission tickets (准考证) for candidates and the plan roster for the organisation."""

from uuid import uuid4

from skillcert.auth import Role
from skillcert.testing import ServiceHarness, assert_problem

from ..factories import API, approved, org_admin, paid, scheduled_plan


class TestMyTickets:
    async def test_candidate_sees_only_own_tickets(self, harness: ServiceHarness):
        plan = await scheduled_plan(harness, (30,))
        me, other = uuid4(), uuid4()
        for candidate_id, name in ((other, "李四"), (me, "张三")):
            approval = approved(plan["id"], candidate_id, candidate_name=name)
            await harness.deliver(approval)
            await harness.deliver(paid(approval))

        response = await harness.client.get(
            f"{API}/tickets/mine", headers=harness.headers(Role.CANDIDATE, account_id=me)
        )
        assert response.status_code == 200
        [ticket] = response.json()
        assert ticket["candidate_name"] == "张三"
        assert ticket["id_number"] == "110101********4514"
        assert ticket["plan_title"] == plan["title"]
        assert (ticket["site_name"], ticket["room_name"], ticket["seat_number"]) == (
            "考点0",
            "1号机房",
            2,
        )
        assert ticket["site_address"] == "北京市海淀区示例路1号"
        assert ticket["exam_starts_at"] == "2026-05-16T01:00:00Z"
        assert ticket["ticket_number"].endswith("00101002")

    async def test_waiting_candidate_has_no_ticket_yet(self, harness: ServiceHarness):
        plan = await scheduled_plan(harness)
        me = uuid4()
        approval = approved(plan["id"], me)
        await harness.deliver(approval)
        await harness.deliver(paid(approval))
        response = await harness.client.get(
            f"{API}/tickets/mine", headers=harness.headers(Role.CANDIDATE, account_id=me)
        )
        assert response.json() == []

    async def test_staff_have_no_tickets_endpoint(self, harness: ServiceHarness):
        response = await harness.client.get(f"{API}/tickets/mine", headers=org_admin(harness))
        assert_problem(response, 403, slug="forbidden")


class TestPlanRoster:
    async def test_lists_seated_then_waiting_with_masked_id_numbers(self, harness: ServiceHarness):
        plan = await scheduled_plan(harness, (1,))
        for name in ("张三", "李四"):
            approval = approved(plan["id"], candidate_name=name)
            await harness.deliver(approval)
            await harness.deliver(paid(approval))
        response = await harness.client.get(
            f"{API}/plans/{plan['id']}/allocations", headers=org_admin(harness)
        )
        assert response.status_code == 200
        rows = response.json()
        assert [(r["candidate_name"], r["status"], r["seat_number"]) for r in rows] == [
            ("张三", "scheduled", 1),
            ("李四", "waiting", None),
        ]
        assert {r["id_number"] for r in rows} == {"110101********4514"}
        assert rows[0]["institution_name"] == "示例职业技术学院"
        assert rows[1]["ticket_number"] is None and rows[1]["room_name"] is None

    async def test_another_organisation_is_refused(self, harness: ServiceHarness):
        plan = await scheduled_plan(harness, (1,))
        response = await harness.client.get(
            f"{API}/plans/{plan['id']}/allocations", headers=org_admin(harness, "ORG-OTHER")
        )
        assert_problem(response, 403, slug="forbidden")

    async def test_candidates_are_refused(self, harness: ServiceHarness):
        plan = await scheduled_plan(harness, (1,))
        response = await harness.client.get(
            f"{API}/plans/{plan['id']}/allocations", headers=harness.headers(Role.CANDIDATE)
        )
        assert_problem(response, 403, slug="forbidden")
