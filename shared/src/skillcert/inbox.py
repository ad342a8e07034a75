"""Idempotent consumers: each message id is recorded in the inbox in the same transaction as the
handler's effect, so a redelivered message changes nothing the second time."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from typing import Any, TypeVar

from opentelemetry import propagate, trace
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from skillcert import context
from skillcert.bus.base import Message, PermanentFailure, Subscription
from skillcert.db import insert_or_ignore, transaction
from skillcert.events import Event, event_type_of, parse_event
from skillcert.messaging import inbox_table
from skillcert.telemetry import tracing_exported

log = logging.getLogger("skillcert.inbox")
tracer = trace.get_tracer("skillcert.inbox")

E = TypeVar("E", bound=Event)
EventHandler = Callable[[AsyncSession, Any], Awaitable[None]]


async def claim_message(session: AsyncSession, consumer: str, message_id: str, type_: str) -> bool:
    """Insert the inbox row; False when this consumer already processed the message."""
    result = await session.execute(
        _CLAIM,
        {
            "consumer": consumer,
            "message_id": message_id,
            "event_type": type_,
            "processed_at": datetime.now(UTC),
        },
    )
    return bool(getattr(result, "rowcount", 0))


_CLAIM = insert_or_ignore(inbox_table, ("consumer", "message_id", "event_type", "processed_at"))


class EventConsumer:
    """Turns a service's `{EventClass: handler}` table into one bus handler.

    The handler runs inside a transaction the consumer owns; the message is acked by the bus
    only after that transaction committed.
    """

    def __init__(
        self,
        service: str,
        sessionmaker: async_sessionmaker[AsyncSession],
        handlers: Mapping[type[Event], EventHandler],
    ) -> None:
        self.service = service
        self.sessionmaker = sessionmaker
        self.handlers = {event_type_of(cls): handler for cls, handler in handlers.items()}

    @property
    def routing_keys(self) -> tuple[str, ...]:
        return tuple(self.handlers)

    def subscription(self, concurrency: int = 8) -> Subscription:
        return Subscription(
            service=self.service,
            routing_keys=self.routing_keys,
            handler=self.handle,
            concurrency=concurrency,
        )

    async def handle(self, message: Message) -> None:
        try:
            event_ = parse_event(message.body)
        except ValidationError as exc:
            raise PermanentFailure(f"undecodable {message.routing_key}: {exc}") from exc
        handler = self.handlers.get(event_.type)
        if handler is None:
            return
        token = context.correlation_id.set(event_.correlation_id)
        try:
            if tracing_exported():
                with tracer.start_as_current_span(
                    f"consume {event_.type}",
                    context=propagate.extract(message.headers),
                    kind=trace.SpanKind.CONSUMER,
                    attributes={
                        "messaging.system": "rabbitmq",
                        "messaging.destination.name": event_.type,
                        "messaging.message.id": str(event_.event_id),
                        "messaging.consumer.group.name": self.service,
                    },
                ):
                    await self._apply(event_, handler)
            else:
                # Unexported spans cost CPU on every message for nothing.
                await self._apply(event_, handler)
        finally:
            context.correlation_id.reset(token)

    async def _apply(self, event_: Event, handler: EventHandler) -> None:
        async with transaction(self.sessionmaker) as session:
            if not await claim_message(session, self.service, str(event_.event_id), event_.type):
                log.info("duplicate %s %s dropped", event_.type, event_.event_id)
                return
            await handler(session, event_)
