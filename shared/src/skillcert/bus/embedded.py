"""The in-process bus for embedded mode, with the same delivery semantics as RabbitMQ.

Messages are rows in a small SQLite database, so a crash between publish and handling loses
nothing: publish "confirms" once the rows are committed, a handler's failure schedules a retry
after the policy's delay, the last failure parks the message as dead, and replay revives it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import (
    Column,
    DateTime,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    delete,
    select,
    update,
)
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from skillcert.bus.base import (
    DeadLetter,
    Message,
    PermanentFailure,
    RetryPolicy,
    Subscription,
    topic_matches,
)
from skillcert.clock import utcnow
from skillcert.pii import scrub

log = logging.getLogger("skillcert.bus")

_metadata = MetaData()
_bindings = Table(
    "bus_bindings",
    _metadata,
    Column("queue", String(200), primary_key=True),
    Column("pattern", String(200), primary_key=True),
)
_messages = Table(
    "bus_messages",
    _metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("queue", String(200), nullable=False, index=True),
    Column("message_id", String(64), nullable=False),
    Column("routing_key", String(200), nullable=False),
    Column("body", LargeBinary, nullable=False),
    Column("headers", Text, nullable=False, default="{}"),
    Column("attempt", Integer, nullable=False, default=1),
    Column("available_at", DateTime(timezone=True), nullable=False),
    Column("state", String(10), nullable=False, default="ready"),
    Column("last_error", Text, nullable=True),
    Column("dead_at", DateTime(timezone=True), nullable=True),
    UniqueConstraint("queue", "message_id", name="uq_bus_messages_queue_message"),
)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class EmbeddedBus:
    def __init__(
        self,
        path: str | Path = "var/bus.db",
        retry: RetryPolicy | None = None,
        poll_interval_s: float = 0.5,
    ) -> None:
        self.path = Path(path)
        self.retry = retry or RetryPolicy()
        self.poll_interval_s = poll_interval_s
        self._engine: AsyncEngine | None = None
        self._wakers: dict[str, asyncio.Event] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._stopping: dict[str, asyncio.Event] = {}
        self._write_lock = asyncio.Lock()

    @property
    def engine(self) -> AsyncEngine:
        if self._engine is None:
            raise RuntimeError("bus is not connected")
        return self._engine

    async def connect(self) -> None:
        if self._engine is not None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._engine = create_async_engine(
            f"sqlite+aiosqlite:///{self.path}", poolclass=NullPool, connect_args={"timeout": 30}
        )
        async with self._engine.begin() as conn:
            await conn.exec_driver_sql("PRAGMA journal_mode=WAL")
            await conn.run_sync(_metadata.create_all)

    async def unsubscribe(self, service: str, drain_timeout_s: float = 10.0) -> None:
        """Stop consuming the service's queue once the handlers in flight have finished.

        A service calls this before it disposes of its own database engine: a handler cut off
        in the middle of its transaction would otherwise be left closing a connection whose
        engine is gone, and the event loop could never finish it."""
        task = self._tasks.pop(service, None)
        if task is None:
            return
        self._stopping[service].set()
        self._wake(service)
        done, _ = await asyncio.wait({task}, timeout=drain_timeout_s)
        if not done:
            # Cancelling waits for every handler of the batch (a task group), so nothing of
            # the service's is left running once this returns.
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    async def close(self) -> None:
        for service in list(self._tasks):
            await self.unsubscribe(service)
        if self._engine is not None:
            await self._engine.dispose()
        self._engine = None

    async def ping(self) -> bool:
        return self._engine is not None

    async def publish(self, messages: Sequence[Message]) -> list[bool]:
        async with self._write_lock, self.engine.begin() as conn:
            bindings = (await conn.execute(select(_bindings))).all()
            now = utcnow()
            rows = []
            for message in messages:
                queues = {
                    b.queue for b in bindings if topic_matches(b.pattern, message.routing_key)
                }
                for queue in queues:
                    rows.append(
                        {
                            "queue": queue,
                            "message_id": message.message_id,
                            "routing_key": message.routing_key,
                            "body": message.body,
                            "headers": json.dumps(message.headers),
                            "attempt": 1,
                            "available_at": now,
                            "state": "ready",
                        }
                    )
            if rows:
                # A re-published outbox row (relay crashed before marking it) is the same
                # message: the unique (queue, message_id) keeps one copy per queue.
                await conn.execute(sqlite_insert(_messages).on_conflict_do_nothing(), rows)
        for queue in {row["queue"] for row in rows}:
            self._wake(queue)
        return [True] * len(messages)

    def _wake(self, queue: str) -> None:
        waker = self._wakers.get(queue)
        if waker is not None:
            waker.set()

    async def declare(self, service: str, routing_keys: Sequence[str]) -> None:
        async with self._write_lock, self.engine.begin() as conn:
            await conn.execute(
                sqlite_insert(_bindings).on_conflict_do_nothing(),
                [{"queue": service, "pattern": key} for key in routing_keys],
            )

    async def subscribe(self, subscription: Subscription) -> None:
        await self.declare(subscription.service, subscription.routing_keys)
        waker = self._wakers.setdefault(subscription.service, asyncio.Event())
        stopping = self._stopping[subscription.service] = asyncio.Event()
        self._tasks[subscription.service] = asyncio.create_task(
            self._consume(subscription, waker, stopping), name=subscription.service
        )

    async def _consume(
        self, subscription: Subscription, waker: asyncio.Event, stopping: asyncio.Event
    ) -> None:
        queue = subscription.service
        while not stopping.is_set():
            async with self.engine.connect() as conn:
                rows = (
                    await conn.execute(
                        select(_messages)
                        .where(
                            _messages.c.queue == queue,
                            _messages.c.state == "ready",
                            _messages.c.available_at <= utcnow(),
                        )
                        .order_by(_messages.c.id)
                        .limit(subscription.concurrency)
                    )
                ).all()
            if not rows:
                waker.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(waker.wait(), self.poll_interval_s)
                continue

            async def handle(row: object) -> None:
                message = Message(
                    message_id=row.message_id,  # type: ignore[attr-defined]
                    routing_key=row.routing_key,  # type: ignore[attr-defined]
                    body=row.body,  # type: ignore[attr-defined]
                    headers=json.loads(row.headers),  # type: ignore[attr-defined]
                    attempt=row.attempt,  # type: ignore[attr-defined]
                )
                row_id = row.id  # type: ignore[attr-defined]
                try:
                    await subscription.handler(message)
                except Exception as exc:
                    await self._failed(row_id, message.attempt, exc)
                else:
                    async with self._write_lock, self.engine.begin() as conn:
                        await conn.execute(delete(_messages).where(_messages.c.id == row_id))

            async with asyncio.TaskGroup() as handlers:
                for row in rows:
                    handlers.create_task(handle(row))

    async def _failed(self, row_id: int, attempt: int, exc: Exception) -> None:
        delay = None if isinstance(exc, PermanentFailure) else self.retry.delay_after(attempt)
        values: dict[str, object] = {"last_error": scrub(repr(exc))[:1000]}
        if delay is None:
            values.update(state="dead", dead_at=utcnow())
            log.error("dead-lettered message %d after %d attempts: %r", row_id, attempt, exc)
        else:
            values.update(
                attempt=attempt + 1, available_at=utcnow() + timedelta(milliseconds=delay)
            )
            log.warning("retrying message %d in %d ms: %r", row_id, delay, exc)
        async with self._write_lock, self.engine.begin() as conn:
            await conn.execute(update(_messages).where(_messages.c.id == row_id).values(**values))

    async def dead_letters(self, service: str, limit: int = 100) -> list[DeadLetter]:
        async with self.engine.connect() as conn:
            rows = (
                await conn.execute(
                    select(_messages)
                    .where(_messages.c.queue == service, _messages.c.state == "dead")
                    .order_by(_messages.c.id)
                    .limit(limit)
                )
            ).all()
        return [
            DeadLetter(
                message_id=row.message_id,
                routing_key=row.routing_key,
                attempts=row.attempt,
                error=row.last_error or "",
                body=row.body,
                dead_at=_aware(row.dead_at) if row.dead_at else None,
            )
            for row in rows
        ]

    async def replay_dead_letters(
        self, service: str, message_ids: Sequence[str] | None = None
    ) -> int:
        condition = [_messages.c.queue == service, _messages.c.state == "dead"]
        if message_ids is not None:
            condition.append(_messages.c.message_id.in_(list(message_ids)))
        async with self._write_lock, self.engine.begin() as conn:
            result = await conn.execute(
                update(_messages)
                .where(*condition)
                .values(state="ready", attempt=1, available_at=utcnow(), dead_at=None)
            )
        self._wake(service)
        return int(result.rowcount or 0)
