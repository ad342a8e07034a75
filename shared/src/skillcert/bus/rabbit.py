"""RabbitMQ through aio-pika: one topic exchange, a durable queue per consuming service, manual
acks, retries through per-delay TTL queues, then a `.dead` queue that ops can replay."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import aio_pika
import aiormq
from aio_pika.abc import (
    AbstractChannel,
    AbstractExchange,
    AbstractIncomingMessage,
    AbstractQueue,
    AbstractRobustConnection,
)

from skillcert.bus.base import (
    BrokerUnavailable,
    DeadLetter,
    Message,
    PermanentFailure,
    RetryPolicy,
    Subscription,
)
from skillcert.pii import scrub

log = logging.getLogger("skillcert.bus")

ATTEMPT_HEADER = "x-attempt"
ERROR_HEADER = "x-last-error"
ROUTING_KEY_HEADER = "x-routing-key"
DEAD_AT_HEADER = "x-dead-at"


def _str_headers(raw: dict[str, Any] | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in (raw or {}).items():
        out[key] = value.decode() if isinstance(value, bytes) else str(value)
    return out


@dataclass
class _Consumer:
    channel: AbstractChannel
    queue: AbstractQueue
    tag: str
    in_flight: set[asyncio.Task[object]]


class RabbitBus:
    def __init__(
        self,
        url: str,
        exchange: str = "skillcert.events",
        retry: RetryPolicy | None = None,
        publish_timeout_s: float = 10.0,
    ) -> None:
        self.url = url
        self.exchange_name = exchange
        self.retry = retry or RetryPolicy()
        self.publish_timeout_s = publish_timeout_s
        self._connection: AbstractRobustConnection | None = None
        self._publish_channel: AbstractChannel | None = None
        self._exchange: AbstractExchange | None = None
        self._consumers: dict[str, _Consumer] = {}
        self._lock = asyncio.Lock()

    def queue_name(self, service: str) -> str:
        return f"{self.exchange_name}.{service}"

    def queue_names(self, service: str) -> list[str]:
        """Every queue `service` consumes through: its own, one per retry delay, the dead."""
        name = self.queue_name(service)
        delays = sorted(set(self.retry.delays_ms))
        return [name, *(f"{name}.retry.{delay}" for delay in delays), f"{name}.dead"]

    async def delete_topology(self, services: Sequence[str]) -> None:
        """Delete the exchange and the services' queues, on a connection of its own.

        For throwaway exchanges only (tests, benchmarks): their durable queues would otherwise
        outlive the run, and a broker that must recover thousands of them at a restart stalls."""
        connection = await aio_pika.connect(self.url, timeout=10)
        async with connection:
            channel = await connection.channel()
            for service in services:
                for name in self.queue_names(service):
                    await channel.queue_delete(name)
            await channel.exchange_delete(self.exchange_name)

    async def connect(self) -> None:
        async with self._lock:
            if self._connection is not None:
                return
            self._connection = await aio_pika.connect_robust(self.url, timeout=10)
            self._publish_channel = await self._connection.channel(publisher_confirms=True)
            self._exchange = await self._publish_channel.declare_exchange(
                self.exchange_name, aio_pika.ExchangeType.TOPIC, durable=True
            )

    async def unsubscribe(self, service: str, drain_timeout_s: float = 10.0) -> None:
        """Stop consuming the service's queue once the handlers in flight have finished.

        The broker stops delivering first; closing the channel then returns whatever was
        delivered and not acknowledged to the queue, for the next consumer."""
        consumer = self._consumers.pop(service, None)
        if consumer is None:
            return
        if not consumer.channel.is_closed:
            with contextlib.suppress(Exception):
                await consumer.queue.cancel(consumer.tag)
        if consumer.in_flight:
            await asyncio.wait(set(consumer.in_flight), timeout=drain_timeout_s)
        if not consumer.channel.is_closed:
            await consumer.channel.close()

    async def close(self) -> None:
        for service in list(self._consumers):
            await self.unsubscribe(service)
        if self._connection is not None:
            await self._connection.close()
        self._connection = None
        self._publish_channel = None
        self._exchange = None

    async def ping(self) -> bool:
        return (
            self._connection is not None
            and not self._connection.is_closed
            and self._publish_channel is not None
            and not self._publish_channel.is_closed
        )

    def _require_exchange(self) -> AbstractExchange:
        if self._exchange is None:
            raise RuntimeError("bus is not connected")
        return self._exchange

    async def publish(self, messages: Sequence[Message]) -> list[bool]:
        self._require_exchange()
        assert self._publish_channel is not None
        try:
            channel = await self._publish_channel.get_underlay_channel()
        except Exception as exc:  # reconnecting: the outbox keeps the rows
            log.warning("publish of %d messages failed: %r", len(messages), exc)
            return [False] * len(messages)
        assert isinstance(channel, aiormq.Channel)

        async def one(message: Message) -> bool:
            properties = aiormq.spec.Basic.Properties(
                message_id=message.message_id,
                message_type=message.routing_key,
                headers=dict(message.headers),
                content_type="application/json",
                delivery_mode=aio_pika.DeliveryMode.PERSISTENT.value,
                timestamp=datetime.now(UTC),
            )
            try:
                # wait=False: the channel lock is held only to queue the frames, not until the
                # socket drained. With the drain handshake a batch took three event-loop turns
                # per message (one now), and a busy API's loop turns slowly: under load its
                # events reached the broker seconds late. The confirmation is still awaited.
                await channel.basic_publish(
                    message.body,
                    exchange=self.exchange_name,
                    routing_key=message.routing_key,
                    properties=properties,
                    mandatory=True,
                    timeout=self.publish_timeout_s,
                    wait=False,
                )
            except Exception as exc:  # broker down or nack: the outbox keeps the row
                log.warning("publish failed for %s: %r", message.message_id, exc)
                return False
            return True

        return list(await asyncio.gather(*(one(m) for m in messages)))

    async def _declare_topology(
        self, channel: AbstractChannel, service: str, routing_keys: Sequence[str]
    ) -> aio_pika.abc.AbstractQueue:
        exchange = await channel.declare_exchange(
            self.exchange_name, aio_pika.ExchangeType.TOPIC, durable=True
        )
        name, *retries, dead = self.queue_names(service)
        queue = await channel.declare_queue(name, durable=True)
        for key in routing_keys:
            await queue.bind(exchange, key)
        for retry_name, delay in zip(retries, sorted(set(self.retry.delays_ms)), strict=True):
            await channel.declare_queue(
                retry_name,
                durable=True,
                arguments={
                    "x-message-ttl": delay,
                    "x-dead-letter-exchange": "",
                    "x-dead-letter-routing-key": name,
                },
            )
        await channel.declare_queue(dead, durable=True)
        return queue

    async def declare(self, service: str, routing_keys: Sequence[str]) -> None:
        if self._connection is None:
            raise RuntimeError("bus is not connected")
        channel = await self._connection.channel()
        try:
            await self._declare_topology(channel, service, routing_keys)
        finally:
            await channel.close()

    async def subscribe(self, subscription: Subscription) -> None:
        if self._connection is None:
            raise RuntimeError("bus is not connected")
        channel = await self._connection.channel(publisher_confirms=True)
        await channel.set_qos(prefetch_count=subscription.concurrency)
        queue = await self._declare_topology(
            channel, subscription.service, subscription.routing_keys
        )
        name = queue.name
        in_flight: set[asyncio.Task[object]] = set()

        async def on_message(incoming: AbstractIncomingMessage) -> None:
            task = asyncio.current_task()
            if task is not None:
                in_flight.add(task)
                task.add_done_callback(in_flight.discard)
            headers = _str_headers(incoming.headers)
            attempt = int(headers.get(ATTEMPT_HEADER, "1"))
            routing_key = headers.get(ROUTING_KEY_HEADER) or incoming.type or incoming.routing_key
            message = Message(
                message_id=incoming.message_id or "",
                routing_key=routing_key or "",
                body=incoming.body,
                headers=headers,
                attempt=attempt,
            )
            try:
                await subscription.handler(message)
            except Exception as exc:
                delay = (
                    None if isinstance(exc, PermanentFailure) else self.retry.delay_after(attempt)
                )
                target = f"{name}.dead" if delay is None else f"{name}.retry.{delay}"
                extra = {
                    ATTEMPT_HEADER: str(attempt if delay is None else attempt + 1),
                    ERROR_HEADER: scrub(repr(exc))[:1000],
                    ROUTING_KEY_HEADER: message.routing_key,
                }
                if delay is None:
                    extra[DEAD_AT_HEADER] = datetime.now(UTC).isoformat()
                    log.error(
                        "dead-lettered %s (%s) after %d attempts: %r",
                        message.message_id,
                        message.routing_key,
                        attempt,
                        exc,
                    )
                else:
                    log.warning(
                        "retrying %s in %d ms (attempt %d): %r",
                        message.message_id,
                        delay,
                        attempt,
                        exc,
                    )
                try:
                    await channel.default_exchange.publish(
                        aio_pika.Message(
                            body=incoming.body,
                            message_id=incoming.message_id,
                            type=message.routing_key,
                            headers={**headers, **extra},
                            content_type=incoming.content_type,
                            delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                        ),
                        routing_key=target,
                        timeout=self.publish_timeout_s,
                    )
                except Exception:
                    # Could not park it: give it back to the queue rather than lose it.
                    await incoming.nack(requeue=True)
                    return
                await incoming.ack()
            else:
                await incoming.ack()

        tag = await queue.consume(on_message, no_ack=False)
        self._consumers[subscription.service] = _Consumer(channel, queue, tag, in_flight)

    async def _ops_channel(self, publisher_confirms: bool = False) -> AbstractChannel:
        """A channel for an operator's request; BrokerUnavailable while the connection is
        down or being re-established (aio-pika's robust connection raises RuntimeError)."""
        if self._connection is None:
            raise BrokerUnavailable("bus is not connected")
        try:
            return await self._connection.channel(publisher_confirms=publisher_confirms)
        except (RuntimeError, ConnectionError, aiormq.exceptions.AMQPError) as exc:
            raise BrokerUnavailable(str(exc)) from exc

    async def dead_letters(self, service: str, limit: int = 100) -> list[DeadLetter]:
        channel = await self._ops_channel()
        letters: list[DeadLetter] = []
        try:
            queue = await channel.declare_queue(f"{self.queue_name(service)}.dead", durable=True)
            for _ in range(limit):
                incoming = await queue.get(no_ack=False, fail=False)
                if incoming is None:
                    break
                headers = _str_headers(incoming.headers)
                dead_at = headers.get(DEAD_AT_HEADER)
                letters.append(
                    DeadLetter(
                        message_id=incoming.message_id or "",
                        routing_key=headers.get(ROUTING_KEY_HEADER, incoming.type or ""),
                        attempts=int(headers.get(ATTEMPT_HEADER, "1")),
                        error=headers.get(ERROR_HEADER, ""),
                        body=incoming.body,
                        dead_at=datetime.fromisoformat(dead_at) if dead_at else None,
                    )
                )
        finally:
            # Closing the channel returns every un-acked message to the dead-letter queue.
            await channel.close()
        return letters

    async def replay_dead_letters(
        self, service: str, message_ids: Sequence[str] | None = None
    ) -> int:
        wanted = set(message_ids) if message_ids is not None else None
        name = self.queue_name(service)
        channel = await self._ops_channel(publisher_confirms=True)
        replayed = 0
        try:
            queue = await channel.declare_queue(f"{name}.dead", durable=True)
            while True:
                incoming = await queue.get(no_ack=False, fail=False)
                if incoming is None:
                    break
                if wanted is not None and incoming.message_id not in wanted:
                    continue  # left un-acked: returns to the queue when the channel closes
                headers = _str_headers(incoming.headers)
                headers[ATTEMPT_HEADER] = "1"
                headers.pop(DEAD_AT_HEADER, None)
                await channel.default_exchange.publish(
                    aio_pika.Message(
                        body=incoming.body,
                        message_id=incoming.message_id,
                        type=incoming.type,
                        headers=dict(headers),
                        content_type=incoming.content_type,
                        delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                    ),
                    routing_key=name,
                    timeout=self.publish_timeout_s,
                )
                await incoming.ack()
                replayed += 1
        finally:
            await channel.close()
        return replayed
