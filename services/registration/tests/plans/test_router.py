from datetime import UTC, datetime, timedelta

from skillcert.auth import Role
from skillcert.testing import ServiceHarness, assert_problem
from tests.conftest import API, Kit


class TestListOpenPlans:
    async def test_lists_only_plans_in_their_registration_window(self, kit: Kit):
        now = datetime.now(UTC)
        open_plan = await kit.open_plan()
        await kit.open_plan(
            registration_opens_at=now - timedelta(days=10),
            registration_closes_at=now - timedelta(days=1),
        )
        await kit.open_plan(
            registration_opens_at=now + timedelta(days=1),
            registration_closes_at=now + timedelta(days=9),
        )
        response = await kit.client.get(f"{API}/plans", headers=kit.candidate())
        assert response.status_code == 200
        items = response.json()["items"]
        assert [i["plan_id"] for i in items] == [str(open_plan.plan_id)]
        assert items[0]["fee_fen"] == 38000
        assert items[0]["conditions"][0]["required_materials"] == ["photo", "application_form"]
        assert items[0]["subjects"][1]["method"] == "practical"

    async def test_shows_the_withdrawal_deadline_the_registration_close_by_default(self, kit: Kit):
        later = datetime.now(UTC).replace(microsecond=0) + timedelta(days=8)
        own = await kit.open_plan(withdrawal_closes_at=later)
        default = await kit.open_plan()
        items = {
            i["plan_id"]: i
            for i in (await kit.client.get(f"{API}/plans", headers=kit.candidate())).json()["items"]
        }
        shown = items[str(own.plan_id)]["withdrawal_closes_at"]
        assert datetime.fromisoformat(shown) == later
        assert (
            items[str(default.plan_id)]["withdrawal_closes_at"]
            == items[str(default.plan_id)]["registration_closes_at"]
        )

    async def test_filters_by_occupation_and_level(self, kit: Kit):
        wanted = await kit.open_plan(occupation_code="4-01-05-03", level=2)
        await kit.open_plan(occupation_code="4-01-05-03", level=1)
        await kit.open_plan(level=2)
        response = await kit.client.get(
            f"{API}/plans?occupation_code=4-01-05-03&level=2", headers=kit.candidate()
        )
        assert [i["plan_id"] for i in response.json()["items"]] == [str(wanted.plan_id)]

    async def test_pages_with_a_cursor(self, kit: Kit):
        now = datetime.now(UTC)
        created = [
            await kit.open_plan(registration_closes_at=now + timedelta(days=d)) for d in (3, 1, 2)
        ]
        headers = kit.candidate()
        first = (await kit.client.get(f"{API}/plans?limit=2", headers=headers)).json()
        assert first["next_cursor"]
        second = (
            await kit.client.get(
                f"{API}/plans?limit=2&cursor={first['next_cursor']}", headers=headers
            )
        ).json()
        assert second["next_cursor"] is None
        order = [i["plan_id"] for i in first["items"] + second["items"]]
        assert order == [str(created[i].plan_id) for i in (1, 2, 0)]  # closing soonest first

    async def test_bad_level_is_422_with_field(self, harness: ServiceHarness):
        response = await harness.client.get(
            f"{API}/plans?level=9", headers=harness.headers(Role.CANDIDATE)
        )
        assert_problem(response, 422, "query.level")

    async def test_bad_cursor_is_422_with_field(self, harness: ServiceHarness):
        response = await harness.client.get(
            f"{API}/plans?cursor=eyJ4IjoxfQ", headers=harness.headers(Role.CANDIDATE)
        )
        assert_problem(response, 422, "cursor")

    async def test_visitors_see_open_plans_without_signing_in(self, kit: Kit):
        # The public home page lists them before anyone has an account.
        plan = await kit.open_plan()
        response = await kit.client.get(f"{API}/plans")
        assert response.status_code == 200
        assert [i["plan_id"] for i in response.json()["items"]] == [str(plan.plan_id)]
