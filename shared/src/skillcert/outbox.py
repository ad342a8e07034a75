"""Transactional outbox: an event is written in the same transaction as the change it reports;
the relay publishes pending rows with publisher confirms and marks them published.

Several replicas may run the relay: rows are claimed with FOR UPDATE SKIP LOCKED.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from opentelemetry import propagate
from sqlalchemy import bindparam, delete, event, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session

from skillcert import context
from skillcert.bus.base import Message, MessageBus
from skillcert.db import transaction
from skillcert.events import Event
from skillcert.messaging import outbox_table

log = logging.getLogger("skillcert.outbox")

_PENDING_KEY = "skillcert.outbox_pending"
WAKE_KEY = "skillcert.outbox_wake"


async def record(session: AsyncSession, event_: Event) -> Event:
    """Write `event_` to the outbox in the session's transaction; it is published after commit."""
    if event_.correlation_id is None and (cid := context.correlation_id.get()) is not None:
        event_ = event_.model_copy(update={"correlation_id": cid})
    headers: dict[str, str] = {"type": event_.type}
    if event_.correlation_id:
        headers[context.CORRELATION_HEADER] = event_.correlation_id
    propagate.inject(headers)  # W3C traceparent/tracestate of the current span
    # Values as parameters: the statement compiles once (cached) instead of per event.
    await session.execute(
        _RECORD,
        {
            "message_id": event_.event_id,
            "event_type": event_.type,
            "payload": event_.model_dump_json(),
            "headers": headers,
            "created_at": datetime.now(UTC),
            "attempts": 0,
        },
    )
    session.info[_PENDING_KEY] = True
    return event_


_RECORD = insert(outbox_table)


@event.listens_for(Session, "after_commit")
def _wake_relay_after_commit(session: Session) -> None:
    if session.info.pop(_PENDING_KEY, False):
        wake: Callable[[], None] | None = session.info.get(WAKE_KEY)
        if wake is not None:
            wake()


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop(_PENDING_KEY, None)


# Built once with their values as parameters: every relay pass of every service runs them.
_PENDING = (
    select(
        outbox_table.c.id,
        outbox_table.c.message_id,
        outbox_table.c.event_type,
        outbox_table.c.payload,
        outbox_table.c.headers,
    )
    .where(outbox_table.c.published_at.is_(None))
    .order_by(outbox_table.c.id)
    .limit(bindparam("batch_size"))
    .with_for_update(skip_locked=True)
)
_PUBLISHED = (
    update(outbox_table)
    .where(outbox_table.c.id.in_(bindparam("ids", expanding=True)))
    .values(published_at=bindparam("now"), attempts=outbox_table.c.attempts + 1)
)
_NOT_CONFIRMED = (
    update(outbox_table)
    .where(outbox_table.c.id.in_(bindparam("ids", expanding=True)))
    .values(attempts=outbox_table.c.attempts + 1, last_error="not confirmed")
)


class OutboxRelay:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        bus: MessageBus,
        *,
        poll_interval_s: float = 0.5,
        batch_size: int = 200,
        keep_published: timedelta = timedelta(days=7),
        linger_s: float = 0.005,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.bus = bus
        self.poll_interval_s = poll_interval_s
        #: After a commit wakes the relay it waits this long for more: under load one pass
        #: (a transaction, the SELECT, the UPDATE) then carries many events instead of one.
        self.linger_s = linger_s
        self.batch_size = batch_size
        self.keep_published = keep_published
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._last_cleanup = datetime.min.replace(tzinfo=UTC)

    def wake(self) -> None:
        self._wake.set()

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="outbox-relay")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        backoff = self.poll_interval_s
        while True:
            try:
                published, failed = await self.publish_pending()
                await self._cleanup()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("outbox relay pass failed")
                published, failed = 0, 1
            if failed:
                # Broker unreachable: back off up to 5 s, the rows stay pending.
                backoff = min(backoff * 2, 5.0)
                await asyncio.sleep(backoff)
                continue
            backoff = self.poll_interval_s
            if published >= self.batch_size:
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.poll_interval_s)
                if self.linger_s > 0:
                    await asyncio.sleep(self.linger_s)
            self._wake.clear()

    async def publish_pending(self) -> tuple[int, int]:
        """Publish one batch of pending rows; returns (published, failed)."""
        async with transaction(self.sessionmaker) as session:
            rows = (await session.execute(_PENDING, {"batch_size": self.batch_size})).all()
            if not rows:
                return 0, 0
            messages = [
                Message(
                    message_id=str(row.message_id),
                    routing_key=row.event_type,
                    body=row.payload.encode(),
                    headers=dict(row.headers or {}),
                )
                for row in rows
            ]
            confirmed = await self.bus.publish(messages)
            ok_ids = [row.id for row, ok in zip(rows, confirmed, strict=True) if ok]
            failed_ids = [row.id for row, ok in zip(rows, confirmed, strict=True) if not ok]
            now = datetime.now(UTC)
            if ok_ids:
                await session.execute(_PUBLISHED, {"ids": ok_ids, "now": now})
            if failed_ids:
                await session.execute(_NOT_CONFIRMED, {"ids": failed_ids})
            return len(ok_ids), len(failed_ids)

    async def _cleanup(self) -> None:
        now = datetime.now(UTC)
        if now - self._last_cleanup < timedelta(hours=1):
            return
        self._last_cleanup = now
        async with transaction(self.sessionmaker) as session:
            await session.execute(
                delete(outbox_table).where(
                    outbox_table.c.published_at.is_not(None),
                    outbox_table.c.published_at < now - self.keep_published,
                )
            )
