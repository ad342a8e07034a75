"""Both buses on the same contract: confirmed publish, retries then dead letters, replay, and
(embedded) nothing lost across a restart."""

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path
from uuid import uuid4

import aio_pika
import pytest

from skillcert.bus.base import (
    Message,
    MessageBus,
    PermanentFailure,
    RetryPolicy,
    Subscription,
    topic_matches,
)
from skillcert.bus.embedded import EmbeddedBus
from skillcert.bus.rabbit import RabbitBus
from skillcert.testing import AMQP_URL, ServiceHarness, eventually, unique


@pytest.fixture(params=["rabbitmq", "embedded"])
async def bus(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[MessageBus]:
    retry = RetryPolicy((50, 100))
    bus: MessageBus
    if request.param == "rabbitmq":
        bus = RabbitBus(AMQP_URL, f"{unique('bus')}.events", retry)
    else:
        bus = EmbeddedBus(tmp_path / "bus.db", retry, poll_interval_s=0.05)
    await bus.connect()
    yield bus
    await bus.close()
    if isinstance(bus, RabbitBus):
        await bus.delete_topology(["svc"])


def message(key: str = "sample.thing.happened.v1") -> Message:
    return Message(message_id=uuid4().hex, routing_key=key, body=b'{"x": 1}', headers={"a": "b"})


class TestTopicMatching:
    @pytest.mark.parametrize(
        ("pattern", "key", "expected"),
        [
            ("a.b.c", "a.b.c", True),
            ("a.*.c", "a.b.c", True),
            ("a.#", "a.b.c", True),
            ("#", "a", True),
            ("a.*", "a.b.c", False),
            ("a.b", "a.b.c", False),
        ],
    )
    def test_amqp_rules(self, pattern: str, key: str, expected: bool):
        assert topic_matches(pattern, key) is expected


class TestDelivery:
    async def test_published_message_reaches_the_bound_queue_with_headers(self, bus: MessageBus):
        got: list[Message] = []

        async def handler(m: Message) -> None:
            got.append(m)

        await bus.subscribe(Subscription("svc", ("sample.#",), handler))
        sent = message()
        assert await bus.publish([sent, message("other.thing.happened.v1")]) == [True, True]
        await eventually(lambda: asyncio.sleep(0, got))
        await asyncio.sleep(0.2)
        assert [m.message_id for m in got] == [sent.message_id]
        assert got[0].headers["a"] == "b" and got[0].body == sent.body

    async def test_a_batch_arrives_whole_and_in_order(self, bus: MessageBus):
        got: list[Message] = []

        async def handler(m: Message) -> None:
            got.append(m)

        await bus.subscribe(Subscription("svc", ("sample.#",), handler, concurrency=1))
        batch = [message() for _ in range(150)]
        assert await bus.publish(batch) == [True] * 150
        await eventually(lambda: asyncio.sleep(0, len(got) == 150 or None))
        assert [m.message_id for m in got] == [m.message_id for m in batch]

    async def test_failing_handler_retries_then_dead_letters_then_replays(self, bus: MessageBus):
        attempts: list[int] = []
        healthy = False

        async def handler(m: Message) -> None:
            attempts.append(m.attempt)
            if not healthy:
                raise RuntimeError("still broken")

        await bus.subscribe(Subscription("svc", ("sample.#",), handler))
        sent = message()
        await bus.publish([sent])
        letters = await eventually(lambda: bus.dead_letters("svc"))
        assert attempts == [1, 2, 3]
        assert letters[0].message_id == sent.message_id
        assert "still broken" in letters[0].error

        healthy = True
        assert await bus.replay_dead_letters("svc") == 1
        await eventually(lambda: asyncio.sleep(0, len(attempts) == 4))
        assert await bus.dead_letters("svc") == []

    async def test_permanent_failure_is_dead_lettered_without_retries(self, bus: MessageBus):
        attempts: list[int] = []

        async def handler(m: Message) -> None:
            attempts.append(m.attempt)
            raise PermanentFailure("cannot decode")

        await bus.subscribe(Subscription("svc", ("sample.#",), handler))
        await bus.publish([message()])
        await eventually(lambda: bus.dead_letters("svc"))
        assert attempts == [1]

    async def test_listing_dead_letters_does_not_consume_them(self, bus: MessageBus):
        async def handler(m: Message) -> None:
            raise PermanentFailure("no")

        await bus.subscribe(Subscription("svc", ("sample.#",), handler))
        await bus.publish([message(), message()])
        await eventually(lambda: _two(bus))
        assert len(await bus.dead_letters("svc")) == 2


class TestUnsubscribe:
    async def test_a_handler_in_flight_finishes_and_nothing_more_is_delivered(
        self, bus: MessageBus
    ):
        started, release = asyncio.Event(), asyncio.Event()
        handled: list[str] = []

        async def handler(m: Message) -> None:
            started.set()
            await release.wait()
            handled.append(m.message_id)

        await bus.subscribe(Subscription("svc", ("sample.#",), handler, concurrency=1))
        first = message()
        await bus.publish([first])
        await asyncio.wait_for(started.wait(), 10)
        stopping = asyncio.create_task(bus.unsubscribe("svc"))
        await asyncio.sleep(0.1)
        release.set()
        await asyncio.wait_for(stopping, 10)
        assert handled == [first.message_id]
        await bus.publish([message()])
        await asyncio.sleep(0.3)
        assert handled == [first.message_id]
        # The service's task is gone with it: no consumer is left for the loop to wait on.
        assert not [t for t in asyncio.all_tasks() if t.get_name() == "svc"]

    async def test_the_handled_message_is_settled_and_the_next_waits_for_a_new_consumer(
        self, bus: MessageBus
    ):
        handled: list[str] = []

        async def handler(m: Message) -> None:
            handled.append(m.message_id)

        await bus.subscribe(Subscription("svc", ("sample.#",), handler))
        first = message()
        await bus.publish([first])
        await eventually(lambda: asyncio.sleep(0, handled or None))
        await bus.unsubscribe("svc")
        second = message()
        await bus.publish([second])
        await bus.subscribe(Subscription("svc", ("sample.#",), handler))
        await eventually(lambda: asyncio.sleep(0, len(handled) == 2 or None))
        await asyncio.sleep(0.2)
        assert handled == [first.message_id, second.message_id]


async def test_an_embedded_handler_that_overruns_the_drain_is_cancelled_and_awaited(
    tmp_path: Path,
) -> None:
    bus = EmbeddedBus(tmp_path / "bus.db", RetryPolicy((50,)), poll_interval_s=0.05)
    await bus.connect()
    started = asyncio.Event()
    cancelled = asyncio.Event()

    async def handler(m: Message) -> None:
        started.set()
        try:
            await asyncio.sleep(60)
        except asyncio.CancelledError:
            await asyncio.sleep(0.1)  # cleanup that itself awaits, as a session's rollback does
            cancelled.set()
            raise

    await bus.subscribe(Subscription("svc", ("sample.#",), handler, concurrency=2))
    await bus.publish([message(), message()])
    await asyncio.wait_for(started.wait(), 10)
    await asyncio.wait_for(bus.unsubscribe("svc", drain_timeout_s=0.2), 10)
    assert cancelled.is_set()
    leftover = [t for t in asyncio.all_tasks() if t is not asyncio.current_task() and not t.done()]
    assert not [t for t in leftover if "handle" in repr(t.get_coro())], leftover
    await bus.close()


async def _two(bus: MessageBus) -> bool:
    return len(await bus.dead_letters("svc")) == 2


class TestEmbeddedDurability:
    async def test_message_published_before_a_restart_is_delivered_after_it(self, tmp_path: Path):
        first = EmbeddedBus(tmp_path / "bus.db", poll_interval_s=0.05)
        await first.connect()
        await first.declare("svc", ("sample.#",))
        sent = message()
        await first.publish([sent])
        await first.close()

        second = EmbeddedBus(tmp_path / "bus.db", poll_interval_s=0.05)
        await second.connect()
        got: list[str] = []

        async def handler(m: Message) -> None:
            got.append(m.message_id)

        await second.subscribe(Subscription("svc", ("sample.#",), handler))
        try:
            await eventually(lambda: asyncio.sleep(0, got))
        finally:
            await second.close()
        assert got == [sent.message_id]


async def test_rabbit_publish_on_a_lost_channel_reports_every_message_unconfirmed() -> None:
    bus = RabbitBus(AMQP_URL, f"{unique('bus')}.events")
    await bus.connect()
    try:
        assert bus._publish_channel is not None
        await bus._publish_channel.close()
        assert await bus.publish([message(), message()]) == [False, False]
    finally:
        await bus.close()
        await bus.delete_topology([])


async def test_rabbit_batch_publish_takes_one_loop_turn_per_message_not_three() -> None:
    """A relay shares its event loop with the service's requests. When each message of a batch
    took three loop turns (the socket-drain handshake; 606 turns for 200 messages), a busy
    service's events reached the broker seconds late. Now the writer's one turn is left."""
    bus = RabbitBus(AMQP_URL, f"{unique('bus')}.events")
    await bus.connect()
    await bus.declare("svc", ("sample.#",))
    turns, busy = 0, True

    async def requests_in_flight() -> None:
        nonlocal turns
        while busy:
            time.sleep(0.005)  # noqa: ASYNC251 (a busy service: each loop turn costs CPU time)
            turns += 1
            await asyncio.sleep(0)

    load = asyncio.create_task(requests_in_flight())
    try:
        confirmed = await bus.publish([message() for _ in range(200)])
    finally:
        busy = False
        await load
        await bus.close()
        await bus.delete_topology(["svc"])
    assert confirmed == [True] * 200
    assert turns < 400, f"{turns} loop turns for 200 messages"


async def _exists(kind: str, name: str) -> bool:
    connection = await aio_pika.connect(AMQP_URL)
    async with connection:
        channel = await connection.channel()
        try:
            if kind == "queue":
                await channel.declare_queue(name, passive=True)
            else:
                await channel.declare_exchange(name, passive=True)
        except aio_pika.exceptions.ChannelNotFoundEntity:
            return False
        return True


async def test_rabbit_delete_topology_removes_the_exchange_and_every_queue_it_declared() -> None:
    bus = RabbitBus(AMQP_URL, f"{unique('bus')}.events", RetryPolicy((50, 100)))
    await bus.connect()

    async def handler(_: Message) -> None:
        return None

    await bus.subscribe(Subscription("svc", ("sample.#",), handler))
    await bus.close()
    names = bus.queue_names("svc")
    assert len(names) == 4
    assert all([await _exists("queue", name) for name in names])

    await bus.delete_topology(["svc"])

    assert not any([await _exists("queue", name) for name in names])
    assert not await _exists("exchange", bus.exchange_name)


async def test_a_service_harness_leaves_no_queue_behind() -> None:
    from sample.app import build_spec

    async with ServiceHarness(build_spec) as harness:
        retry = RetryPolicy(tuple(harness.retry_delays_ms))
        names = RabbitBus(AMQP_URL, harness.exchange, retry).queue_names(harness.spec.name)
        assert await _exists("queue", names[0])

    assert not any([await _exists("queue", name) for name in names])
    assert not await _exists("exchange", harness.exchange)
