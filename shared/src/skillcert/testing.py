"""Test harness shared by every service's tests: a real PostgreSQL database, a real RabbitMQ
exchange and a real S3 bucket per test session, each with a unique name so test runs (and
helpers running in parallel) never see each other's data. Nothing here is mocked."""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AsyncExitStack
from datetime import timedelta
from typing import Any, TypeVar
from uuid import UUID

import asyncpg
import httpx
from fastapi import FastAPI
from sqlalchemy import select

from skillcert.auth import Principal, Role, SigningKey, TokenIssuer, TokenVerifier, jwks_static
from skillcert.bus.base import Message
from skillcert.bus.rabbit import RabbitBus
from skillcert.events import Event, parse_event
from skillcert.messaging import outbox_table
from skillcert.service import ServiceContext, ServiceSpec, SharedInfra, create_service_app
from skillcert.settings import BusKind, StorageKind

T = TypeVar("T")

PG_ADMIN_DSN = os.environ.get("SKILLCERT_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
AMQP_URL = os.environ.get("SKILLCERT_TEST_AMQP", "amqp://guest:guest@127.0.0.1:5672/")
S3_ENDPOINT = os.environ.get("SKILLCERT_TEST_S3_ENDPOINT", "127.0.0.1:8333")
S3_ACCESS_KEY = os.environ.get("SKILLCERT_TEST_S3_ACCESS_KEY", "skillcert")
S3_SECRET_KEY = os.environ.get("SKILLCERT_TEST_S3_SECRET_KEY", "skillcert-secret")
# One bucket for every test session: each bucket costs the S3 server volumes of its own, and
# object keys already carry unique ids.
S3_BUCKET = os.environ.get("SKILLCERT_TEST_S3_BUCKET", "skillcert-test")

TEST_ISSUER = "skillcert-gateway"
TEST_AUDIENCE = "skillcert"


def unique(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:10]}"


async def create_database(name: str) -> str:
    """Create a fresh PostgreSQL database; returns its SQLAlchemy async URL."""
    conn = await asyncpg.connect(PG_ADMIN_DSN)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    base = PG_ADMIN_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    return f"{base}/{name}"


async def drop_database(name: str) -> None:
    conn = await asyncpg.connect(PG_ADMIN_DSN)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


async def eventually(
    probe: Callable[[], Awaitable[T | None]], timeout_s: float = 10.0, interval_s: float = 0.05
) -> T:
    """Poll `probe` until it returns something truthy; fail with a clear message on timeout."""
    deadline = time.monotonic() + timeout_s
    last: T | None = None
    while time.monotonic() < deadline:
        last = await probe()
        if last:
            return last
        await asyncio.sleep(interval_s)
    raise AssertionError(f"condition not met within {timeout_s}s (last value: {last!r})")


class TestTokens:
    """Issues tokens the way the gateway does, with a key made for this test session."""

    def __init__(self) -> None:
        self.issuer = TokenIssuer(SigningKey.generate(), TEST_ISSUER, TEST_AUDIENCE)
        self.verifier = TokenVerifier(jwks_static(self.issuer.jwks()), TEST_ISSUER, TEST_AUDIENCE)

    def principal(
        self, role: Role, org_id: str | None = None, account_id: UUID | None = None
    ) -> Principal:
        return Principal(
            account_id=account_id or uuid.uuid4(), role=role, name=f"test-{role}", org_id=org_id
        )

    def headers(self, principal: Principal) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.issuer.issue(principal)}"}

    def phone_proof(
        self, phone: str, purpose: str = "register", ttl: timedelta = timedelta(minutes=10)
    ) -> str:
        """A proof of `phone` as the gateway issues it after a right SMS code."""
        return self.issuer.issue_phone_proof(phone, purpose, ttl)


class ServiceHarness:
    """Runs one service's app (lifespan included) against real infrastructure."""

    def __init__(
        self,
        spec_factory: Callable[..., ServiceSpec[Any, Any]],
        *,
        bus: BusKind = BusKind.RABBITMQ,
        retry_delays_ms: Sequence[int] = (100, 200),
        exchange: str | None = None,
        database_name: str | None = None,
        settings_overrides: dict[str, Any] | None = None,
    ) -> None:
        self.spec_factory = spec_factory
        self.bus_kind = bus
        self.retry_delays_ms = list(retry_delays_ms)
        self.exchange = exchange or f"{unique('test')}.events"
        self.database_name = database_name or unique("skillcert_test")
        self.settings_overrides = settings_overrides or {}
        self.tokens = TestTokens()
        self._stack = AsyncExitStack()
        self.app: FastAPI | None = None
        self.client: httpx.AsyncClient | None = None

    @property
    def ctx(self) -> ServiceContext[Any, Any]:
        assert self.app is not None
        ctx: ServiceContext[Any, Any] = self.app.state.ctx
        return ctx

    async def __aenter__(self) -> ServiceHarness:
        url = await create_database(self.database_name)
        spec = self.spec_factory()
        spec.settings = spec.settings.model_copy(
            update={
                "database_url": url,
                "bus": self.bus_kind,
                "amqp_url": AMQP_URL,
                "exchange": self.exchange,
                "retry_delays_ms": self.retry_delays_ms,
                "storage": StorageKind.S3,
                "s3_endpoint": S3_ENDPOINT,
                "s3_access_key": S3_ACCESS_KEY,
                "s3_secret_key": S3_SECRET_KEY,
                "s3_bucket": S3_BUCKET,
                "outbox_poll_interval_s": 0.1,
                "log_json": False,
                **self.settings_overrides,
            }
        )
        self.spec = spec
        self.app = create_service_app(spec, SharedInfra(verifier=self.tokens.verifier))
        await self._stack.enter_async_context(self.app.router.lifespan_context(self.app))
        self.client = await self._stack.enter_async_context(
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=self.app), base_url="http://testserver"
            )
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        bus = self.ctx.bus if self.app is not None else None
        await self._stack.aclose()
        if isinstance(bus, RabbitBus):
            await bus.delete_topology([self.spec.name])
        await drop_database(self.database_name)

    async def reset(self) -> None:
        """Empty every table (but the migration version) between tests.

        DELETE rather than TRUNCATE: the relay and consumers of the previous test may still
        hold row locks, and TRUNCATE's table lock would deadlock with them."""
        from skillcert.messaging import messaging_metadata

        tables = [
            *reversed(self.spec.metadata.sorted_tables),
            *reversed(messaging_metadata.sorted_tables),
        ]
        async with self.ctx.engine.begin() as conn:
            for table in tables:
                await conn.execute(table.delete())

    def headers(
        self, role: Role, org_id: str | None = None, account_id: UUID | None = None
    ) -> dict[str, str]:
        return self.tokens.headers(self.tokens.principal(role, org_id, account_id))

    async def deliver(self, event: Event, attempt: int = 1) -> None:
        """Hand `event` to the service's consumer exactly as the bus would (same message id)."""
        await self.ctx.consumer.handle(
            Message(
                message_id=str(event.event_id),
                routing_key=event.type,
                body=event.model_dump_json().encode(),
                attempt=attempt,
            )
        )

    async def publish(self, *events: Event) -> None:
        """Publish through the real bus, as another service's relay would."""
        confirmed = await self.ctx.bus.publish(
            [
                Message(
                    message_id=str(e.event_id),
                    routing_key=e.type,
                    body=e.model_dump_json().encode(),
                    headers={"type": e.type},
                )
                for e in events
            ]
        )
        assert all(confirmed), "broker did not confirm the test publish"

    async def outbox(self, event_type: str | None = None) -> list[Event]:
        """Events this service wrote to its outbox, oldest first."""
        query = select(outbox_table.c.payload).order_by(outbox_table.c.id)
        if event_type is not None:
            query = query.where(outbox_table.c.event_type == event_type)
        async with self.ctx.sessionmaker() as session:
            rows = (await session.execute(query)).scalars().all()
        return [parse_event(p) for p in rows]


# --- problem+json -------------------------------------------------------------------------

PROBLEM_TYPE_PREFIX = "https://skillcert.example/problems/"


def _chinese(text: object) -> bool:
    return isinstance(text, str) and any("\u4e00" <= ch <= "\u9fff" for ch in text)


def assert_problem(
    response: httpx.Response,
    status: int,
    *fields: str,
    slug: str | None = None,
    title: str | None = None,
    detail: str | None = None,
    messages: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Assert that `response` is our problem+json answer with `status`, and return its body.

    Always checked: the content type, `status` in the body, a `type` of ours, a Chinese
    title, and every field error with a field and a Chinese message (people read these).
    `fields`: the exact fields named in `errors` (any order; repeats count once); none given,
    the errors are not compared. `slug`: the end of `type` (`not-found`, `forbidden`, ...).
    `title`/`detail`: exact. `messages`: field → exact message, for the fields listed.
    """
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json", response.headers
    body: dict[str, Any] = response.json()
    assert body["status"] == status, body
    assert str(body["type"]).startswith(PROBLEM_TYPE_PREFIX), body
    if slug is not None:
        assert body["type"] == PROBLEM_TYPE_PREFIX + slug, body
    assert _chinese(body["title"]), body
    if title is not None:
        assert body["title"] == title, body
    if detail is not None:
        assert body.get("detail") == detail, body
    errors = body.get("errors", [])
    for error in errors:
        assert error["field"], body
        assert _chinese(error["message"]), body
    if fields:
        assert {e["field"] for e in errors} == set(fields), body
    for field, message in (messages or {}).items():
        assert message in [e["message"] for e in errors if e["field"] == field], body
    return body
