"""What every bus offers: publish with confirmation, durable per-service queues, retries with
back-off, then a dead-letter queue that ops can list and replay."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class Message:
    message_id: str
    routing_key: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    attempt: int = 1


Handler = Callable[[Message], Awaitable[None]]


class BrokerUnavailable(RuntimeError):
    """The broker cannot be reached right now (not connected, or reconnecting)."""


class PermanentFailure(Exception):
    """The message can never be handled (undecodable, unknown contract): dead-letter at once."""


class RetryLater(Exception):
    """The message cannot be handled yet, typically because the event it follows has not
    arrived (at-least-once delivery keeps no order): roll back and let the bus deliver it again
    after its back-off; dead-lettered only if it never becomes handleable."""


@dataclass(frozen=True)
class Subscription:
    """One durable queue for one consuming service, bound to the event types it handles."""

    service: str
    routing_keys: tuple[str, ...]
    handler: Handler
    concurrency: int = 8


@dataclass(frozen=True)
class DeadLetter:
    message_id: str
    routing_key: str
    attempts: int
    error: str
    body: bytes
    dead_at: datetime | None = None


@dataclass(frozen=True)
class RetryPolicy:
    """Back-off delays between attempts; after the last delay the message is dead-lettered."""

    delays_ms: Sequence[int] = (1000, 5000, 30000)

    @property
    def max_attempts(self) -> int:
        return len(self.delays_ms) + 1

    def delay_after(self, attempt: int) -> int | None:
        """Delay before the next attempt after `attempt` failed, or None when out of attempts."""
        if attempt > len(self.delays_ms):
            return None
        return self.delays_ms[attempt - 1]


class MessageBus(Protocol):
    async def connect(self) -> None: ...

    async def close(self) -> None: ...

    async def publish(self, messages: Sequence[Message]) -> list[bool]:
        """Publish and wait for the broker's confirmation; True per message confirmed."""
        ...

    async def subscribe(self, subscription: Subscription) -> None:
        """Declare the service's queue and bindings and start consuming."""
        ...

    async def unsubscribe(self, service: str) -> None:
        """Stop consuming the service's queue, letting the handlers in flight finish."""
        ...

    async def declare(self, service: str, routing_keys: Sequence[str]) -> None:
        """Declare the queue and bindings without consuming (so nothing published is lost)."""
        ...

    async def dead_letters(self, service: str, limit: int = 100) -> list[DeadLetter]: ...

    async def replay_dead_letters(
        self, service: str, message_ids: Sequence[str] | None = None
    ) -> int: ...

    async def ping(self) -> bool: ...


def topic_matches(pattern: str, routing_key: str) -> bool:
    """AMQP topic matching: `*` is one word, `#` zero or more words."""
    p_words = pattern.split(".")
    k_words = routing_key.split(".")

    def match(pi: int, ki: int) -> bool:
        if pi == len(p_words):
            return ki == len(k_words)
        word = p_words[pi]
        if word == "#":
            return any(match(pi + 1, k) for k in range(ki, len(k_words) + 1))
        if ki == len(k_words):
            return False
        if word in ("*", k_words[ki]):
            return match(pi + 1, ki + 1)
        return False

    return match(0, 0)
