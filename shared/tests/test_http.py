"""The transaction-owning route, Idempotency-Key, problem+json and auth, on a real database,
and the outbox → RabbitMQ → inbox chain."""

import asyncio
from uuid import UUID, uuid4

from sample.app import FAILURES, Seen, Widget
from sqlalchemy import func, select

from skillcert import outbox
from skillcert.auth import Role
from skillcert.db import transaction
from skillcert.events import AccountRegistered
from skillcert.messaging import outbox_table
from skillcert.testing import ServiceHarness, assert_problem, eventually


async def rows(harness: ServiceHarness, model: type) -> int:
    async with harness.ctx.sessionmaker() as session:
        return int((await session.execute(select(func.count()).select_from(model))).scalar_one())


async def seen(harness: ServiceHarness, account_id: str) -> int:
    async with harness.ctx.sessionmaker() as session:
        query = select(func.count()).select_from(Seen).where(Seen.account_id == UUID(account_id))
        return int((await session.execute(query)).scalar_one())


class TestTransaction:
    async def test_error_after_a_flush_rolls_everything_back(self, clean: ServiceHarness):
        response = await clean.client.post(
            "/api/v1/sample/widgets", json={"name": "boom"}, headers=clean.headers(Role.ORG_ADMIN)
        )
        assert_problem(response, 409, slug="conflict")
        assert await rows(clean, Widget) == 0
        assert await clean.outbox() == []

    async def test_success_commits_the_row_and_its_event_together(self, clean: ServiceHarness):
        response = await clean.client.post(
            "/api/v1/sample/widgets", json={"name": "ok"}, headers=clean.headers(Role.ORG_ADMIN)
        )
        assert response.status_code == 201
        events = await clean.outbox()
        assert [e.type for e in events] == ["identity.account.registered.v1"]
        assert str(events[0].account_id) == response.json()["id"]  # type: ignore[attr-defined]
        assert events[0].correlation_id == response.headers["x-correlation-id"]


class TestValidationProblem:
    async def test_field_errors_in_chinese_and_nothing_written(self, clean: ServiceHarness):
        response = await clean.client.post(
            "/api/v1/sample/widgets", json={"name": "x"}, headers=clean.headers(Role.ORG_ADMIN)
        )
        assert_problem(response, 422)
        problem = response.json()
        assert problem["errors"] == [
            {"field": "name", "message": "内容过短", "code": "string_too_short"}
        ]
        assert await rows(clean, Widget) == 0

    async def test_malformed_json_is_a_problem_too(self, clean: ServiceHarness):
        response = await clean.client.post(
            "/api/v1/sample/widgets",
            content=b"{not json",
            headers={**clean.headers(Role.ORG_ADMIN), "content-type": "application/json"},
        )
        assert_problem(response, 422)
        assert response.json()["errors"][0]["code"] == "json_invalid"

    async def test_a_body_that_cannot_be_decoded_is_a_422_on_the_body(self, clean: ServiceHarness):
        # FastAPI and Starlette answered these with a 400 that no operation declares.
        staff = clean.headers(Role.ORG_ADMIN)
        cases = [
            ("/api/v1/sample/widgets", b"{not json", "application/json", "json_invalid"),
            ("/api/v1/sample/widgets", b'{"name": "\xff\xfe"}', "application/json", "body_invalid"),
            (
                "/api/v1/sample/widgets/import",
                b"--b\r\nNone--b--\r\n",
                "multipart/form-data; boundary=b",
                "body_invalid",
            ),
        ]
        for path, body, content_type, code in cases:
            response = await clean.client.post(
                path, content=body, headers={**staff, "content-type": content_type}
            )
            problem = assert_problem(response, 422, "body", slug="validation")
            assert [e["code"] for e in problem["errors"]] == [code], problem
        assert await rows(clean, Widget) == 0


class TestOpenAPI:
    def test_every_operation_declares_what_the_shared_machinery_answers(
        self, harness: ServiceHarness
    ):
        assert harness.app is not None
        document = harness.app.openapi()
        declared = {
            (method.upper(), path): sorted(operation["responses"])
            for path, item in document["paths"].items()
            for method, operation in item.items()
            if path.startswith("/api/v1/sample/widgets")
        }
        assert declared == {
            # a login (401, 403) and input (422: fields, an unparsable body, Idempotency-Key)
            ("POST", "/api/v1/sample/widgets"): ["201", "401", "403", "422"],
            ("POST", "/api/v1/sample/widgets/import"): ["200", "401", "403", "422"],
            # query parameters, no login
            ("GET", "/api/v1/sample/widgets"): ["200", "422"],
            # nothing to validate, no login
            ("GET", "/api/v1/sample/widgets/count"): ["200"],
        }
        problem = document["paths"]["/api/v1/sample/widgets"]["post"]["responses"]["401"]
        assert problem["content"] == {
            "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
        }
        assert {"Problem", "FieldError"} <= set(document["components"]["schemas"])


class TestAuth:
    async def test_missing_token_is_401(self, clean: ServiceHarness):
        response = await clean.client.post("/api/v1/sample/widgets", json={"name": "ok"})
        assert_problem(response, 401, slug="unauthorized")

    async def test_wrong_role_is_403(self, clean: ServiceHarness):
        response = await clean.client.post(
            "/api/v1/sample/widgets", json={"name": "ok"}, headers=clean.headers(Role.CANDIDATE)
        )
        assert_problem(response, 403, slug="forbidden")

    async def test_forged_token_is_401(self, clean: ServiceHarness):
        from skillcert.testing import TestTokens

        other = TestTokens()  # a different key with the same kid-less shape
        headers = other.headers(other.principal(Role.ORG_ADMIN))
        response = await clean.client.post(
            "/api/v1/sample/widgets", json={"name": "ok"}, headers=headers
        )
        assert_problem(response, 401, slug="unauthorized")


class TestIdempotencyKey:
    async def test_same_key_returns_the_first_result_and_writes_once(self, clean: ServiceHarness):
        headers = {**clean.headers(Role.ORG_ADMIN, account_id=uuid4()), "Idempotency-Key": "k1"}
        first = await clean.client.post(
            "/api/v1/sample/widgets", json={"name": "once"}, headers=headers
        )
        again = await clean.client.post(
            "/api/v1/sample/widgets", json={"name": "once"}, headers=headers
        )
        assert first.status_code == again.status_code == 201
        assert first.json() == again.json()
        assert again.headers["idempotent-replayed"] == "true"
        assert await rows(clean, Widget) == 1
        assert len(await clean.outbox()) == 1

    async def test_concurrent_retries_create_one_record(self, clean: ServiceHarness):
        headers = {**clean.headers(Role.ORG_ADMIN, account_id=uuid4()), "Idempotency-Key": "k2"}
        responses = await asyncio.gather(
            *(
                clean.client.post("/api/v1/sample/widgets", json={"name": "race"}, headers=headers)
                for _ in range(4)
            )
        )
        assert {r.status_code for r in responses} == {201}
        assert len({r.json()["id"] for r in responses}) == 1
        assert await rows(clean, Widget) == 1

    async def test_same_key_with_another_body_is_refused(self, clean: ServiceHarness):
        headers = {**clean.headers(Role.ORG_ADMIN, account_id=uuid4()), "Idempotency-Key": "k3"}
        await clean.client.post("/api/v1/sample/widgets", json={"name": "aa"}, headers=headers)
        response = await clean.client.post(
            "/api/v1/sample/widgets", json={"name": "bb"}, headers=headers
        )
        assert_problem(response, 422)
        assert await rows(clean, Widget) == 1

    async def test_keys_are_scoped_per_caller(self, clean: ServiceHarness):
        for name in ("p1", "p2"):
            headers = {
                **clean.headers(Role.ORG_ADMIN, account_id=uuid4()),
                "Idempotency-Key": "shared",
            }
            response = await clean.client.post(
                "/api/v1/sample/widgets", json={"name": name}, headers=headers
            )
            assert response.status_code == 201
        assert await rows(clean, Widget) == 2


class TestOutboxToInbox:
    async def test_relay_publishes_and_the_consumer_applies_once(self, clean: ServiceHarness):
        response = await clean.client.post(
            "/api/v1/sample/widgets", json={"name": "chain"}, headers=clean.headers(Role.ORG_ADMIN)
        )
        assert response.status_code == 201
        widget_id = response.json()["id"]
        await eventually(lambda: seen(clean, widget_id))
        # The relay marked it published; a redelivery of the same message changes nothing.
        [event] = await clean.outbox()
        await clean.deliver(event)
        assert await seen(clean, widget_id) == 1

    async def test_relay_publishes_while_requests_hold_every_connection(
        self, clean: ServiceHarness
    ):
        # Under a submit burst every pooled connection is in a request; a relay drawing from
        # that pool queued behind them and events left seconds after their commit.
        relay = clean.ctx.relay
        budget = 2 * clean.ctx.settings.database_pool_size  # pool plus as much overflow
        held = [await clean.ctx.engine.connect() for _ in range(budget)]
        event = AccountRegistered(account_id=uuid4(), phone=None, name="busy", role="x")
        try:
            async with transaction(relay.sessionmaker) as session:
                await outbox.record(session, event)
            relay.wake()

            async def published() -> object:
                async with relay.sessionmaker() as session:
                    query = select(outbox_table.c.published_at).where(
                        outbox_table.c.message_id == event.event_id
                    )
                    return (await session.execute(query)).scalar_one()

            await eventually(published, timeout_s=5)
        finally:
            for connection in held:
                await connection.close()

    async def test_flaky_consumer_succeeds_on_retry(self, clean: ServiceHarness):
        FAILURES["flaky-once"] = 1
        event = AccountRegistered(account_id=uuid4(), phone=None, name="flaky-once", role="x")
        await clean.publish(event)
        await eventually(lambda: seen(clean, str(event.account_id)))
        assert FAILURES["flaky-once"] == 0
