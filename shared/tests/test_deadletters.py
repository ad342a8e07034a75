"""Dead letters over HTTP (`/api/v1/<service>/ops/dead-letters`), as an ops console calls
them: on the sample service's real RabbitMQ queue."""

from typing import Any
from uuid import UUID, uuid4

from sample.app import FAILURES, Seen
from sqlalchemy import func, select

from skillcert.auth import Role
from skillcert.events import AccountRegistered
from skillcert.testing import ServiceHarness, assert_problem, eventually

BASE = "/api/v1/sample/ops/dead-letters"


async def parked(harness: ServiceHarness, message_id: str) -> dict[str, Any] | None:
    response = await harness.client.get(BASE, headers=harness.headers(Role.OPS))
    assert response.status_code == 200, response.text
    return next((x for x in response.json()["items"] if x["message_id"] == message_id), None)


async def seen(harness: ServiceHarness, account_id: UUID) -> int:
    async with harness.ctx.sessionmaker() as session:
        query = select(func.count()).select_from(Seen).where(Seen.account_id == account_id)
        return int((await session.execute(query)).scalar_one())


async def park(harness: ServiceHarness, name: str) -> AccountRegistered:
    """An event whose handler fails more often than the retries allow (3 attempts)."""
    FAILURES[name] = 3
    event = AccountRegistered(account_id=uuid4(), phone="13912345678", name=name, role="candidate")
    await harness.publish(event)
    await eventually(lambda: parked(harness, str(event.event_id)), timeout_s=15)
    return event


class TestListDeadLetters:
    async def test_ops_sees_the_parked_message_with_personal_data_masked(
        self, clean: ServiceHarness
    ):
        event = await park(clean, "dead-list")

        letter = await parked(clean, str(event.event_id))

        assert letter is not None
        assert letter["type"] == "identity.account.registered.v1"
        assert letter["attempts"] == 3
        assert "flaky handler" in letter["error"]
        assert "13912345678" not in letter["body"] and "139****5678" in letter["body"]
        assert letter["dead_at"] is not None
        # Listing leaves it parked.
        assert await parked(clean, str(event.event_id)) is not None
        FAILURES.pop("dead-list", None)

    async def test_limit_reports_that_more_are_parked(self, clean: ServiceHarness):
        await park(clean, "dead-limit-1")
        await park(clean, "dead-limit-2")

        response = await clean.client.get(
            BASE, params={"limit": 1}, headers=clean.headers(Role.OPS)
        )

        body = response.json()
        assert response.status_code == 200
        assert (len(body["items"]), body["truncated"], body["service"]) == (1, True, "sample")
        await clean.client.post(f"{BASE}/replay", json={}, headers=clean.headers(Role.OPS))

    async def test_other_staff_are_refused(self, clean: ServiceHarness):
        response = await clean.client.get(BASE, headers=clean.headers(Role.ORG_ADMIN, "ORG-1"))

        assert_problem(response, 403, slug="forbidden", title="无权执行此操作")

    async def test_anonymous_callers_must_log_in(self, clean: ServiceHarness):
        response = await clean.client.get(BASE)

        assert_problem(response, 401, slug="unauthorized")
        assert response.json()["status"] == 401

    async def test_a_limit_out_of_range_is_reported_at_its_field(self, clean: ServiceHarness):
        response = await clean.client.get(
            BASE, params={"limit": 0}, headers=clean.headers(Role.OPS)
        )

        assert_problem(response, 422)
        assert [e["field"] for e in response.json()["errors"]] == ["query.limit"]


class TestReplayDeadLetters:
    async def test_replay_by_id_hands_it_back_and_the_handler_succeeds(self, clean: ServiceHarness):
        event = await park(clean, "dead-replay")  # FAILURES now 0: the next attempt succeeds
        assert await seen(clean, event.account_id) == 0

        response = await clean.client.post(
            f"{BASE}/replay",
            json={"message_ids": [str(event.event_id)]},
            headers=clean.headers(Role.OPS),
        )

        assert response.status_code == 200, response.text
        assert response.json() == {"service": "sample", "replayed": 1}
        await eventually(lambda: seen(clean, event.account_id), timeout_s=10)
        assert await parked(clean, str(event.event_id)) is None

    async def test_replay_leaves_the_letters_not_named(self, clean: ServiceHarness):
        kept = await park(clean, "dead-kept")

        response = await clean.client.post(
            f"{BASE}/replay",
            json={"message_ids": [str(uuid4())]},
            headers=clean.headers(Role.OPS),
        )

        assert response.json()["replayed"] == 0
        assert await parked(clean, str(kept.event_id)) is not None
        await clean.client.post(f"{BASE}/replay", json={}, headers=clean.headers(Role.OPS))

    async def test_an_empty_list_of_ids_is_refused_at_its_field(self, clean: ServiceHarness):
        response = await clean.client.post(
            f"{BASE}/replay", json={"message_ids": []}, headers=clean.headers(Role.OPS)
        )

        assert_problem(response, 422)
        body = response.json()
        assert [e["field"] for e in body["errors"]] == ["message_ids"]
        assert body["errors"][0]["message"] == "条目过少"

    async def test_only_ops_may_replay(self, clean: ServiceHarness):
        response = await clean.client.post(
            f"{BASE}/replay", json={}, headers=clean.headers(Role.REVIEWER, "ORG-1")
        )

        assert_problem(response, 403, slug="forbidden")


class TestBrokerDown:
    async def test_listing_and_replay_answer_503_while_the_broker_is_unreachable(self):
        # Found by the API fuzzing: a connection being re-established raised a bare
        # RuntimeError out of aio-pika, a 500.
        from sample.app import build_spec

        async with ServiceHarness(build_spec) as harness:
            await harness.ctx.bus.close()
            ops = harness.headers(Role.OPS)
            listed = await harness.client.get(BASE, headers=ops)
            assert_problem(listed, 503, slug="unavailable", detail="消息队列暂不可用，请稍后再试")
            assert listed.headers["retry-after"] == "5"
            replayed = await harness.client.post(f"{BASE}/replay", json={}, headers=ops)
            assert_problem(replayed, 503, slug="unavailable")
