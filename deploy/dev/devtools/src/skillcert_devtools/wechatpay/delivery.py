"""How the simulator delivers a notification: POST until the merchant answers 2xx, re-signed
on every attempt, optionally duplicated, with the provider's retry cadence available."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

import httpx

# Documented retry cadence for unacknowledged callbacks (15s/15s/30s/3m/.../6h, 24h4m).
PRODUCTION_RETRY_INTERVALS: Final[tuple[float, ...]] = (
    15, 15, 30, 180, 600, 1200, 1800, 1800, 1800, 3600, 10800, 10800, 10800, 21600, 21600,
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class DeliveryPolicy:
    """How hard to try delivering one callback copy.

    Defaults are tuned for tests (few attempts, near-zero backoff); see
    :meth:`production_like` for the documented real cadence.
    """

    max_attempts: int = 5
    # Delay before attempt n+2 is backoff_seconds[n]; the last value repeats.
    backoff_seconds: tuple[float, ...] = (0.0, 0.05, 0.1, 0.2)
    # The provider gives the merchant 5 s to answer before counting a failure.
    timeout_seconds: float = 5.0

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be >= 1")
        if any(delay < 0 for delay in self.backoff_seconds):
            raise ValueError("backoff must not be negative")

    def delay_before(self, attempt: int) -> float:
        if attempt <= 1 or not self.backoff_seconds:
            return 0.0
        return self.backoff_seconds[min(attempt - 2, len(self.backoff_seconds) - 1)]

    @classmethod
    def production_like(cls) -> DeliveryPolicy:
        return cls(
            max_attempts=len(PRODUCTION_RETRY_INTERVALS) + 1,
            backoff_seconds=PRODUCTION_RETRY_INTERVALS,
        )


@dataclass(frozen=True, slots=True)
class DeliveryAttempt:
    copy: int  # 0 is the original delivery, 1.. are deliberate duplicates
    attempt: int
    status_code: int | None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


@dataclass(slots=True)
class DeliveryResult:
    notification_id: str
    event_type: str
    url: str
    attempts: list[DeliveryAttempt] = field(default_factory=list)

    @property
    def delivered(self) -> bool:
        """Whether the original copy was acknowledged with a 2xx."""
        return any(a.ok for a in self.attempts if a.copy == 0)

    @property
    def acknowledged_copies(self) -> int:
        return len({a.copy for a in self.attempts if a.ok})

    def as_json(self) -> dict[str, Any]:
        return {
            "notification_id": self.notification_id,
            "event_type": self.event_type,
            "delivered": self.delivered,
            "attempts": [
                {
                    "copy": a.copy,
                    "attempt": a.attempt,
                    "status_code": a.status_code,
                    "error": a.error,
                }
                for a in self.attempts
            ],
        }


async def deliver_notification(
    client: httpx.AsyncClient,
    url: str,
    body: bytes,
    sign: Callable[[bytes], Mapping[str, str]],
    *,
    policy: DeliveryPolicy | None = None,
    duplicates: int = 0,
    notification_id: str = "",
    event_type: str = "",
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> DeliveryResult:
    """POST one callback body until the merchant answers 2xx, then ``duplicates`` more copies.

    Every attempt is re-signed (fresh timestamp and nonce, identical body) because the
    real provider's retries arrive minutes later and must still pass the merchant's
    5-minute freshness check; the notification ``id`` inside the body stays the same,
    which is what merchants deduplicate on.
    """
    if duplicates < 0:
        raise ValueError("duplicates must be >= 0")
    active = policy or DeliveryPolicy()
    result = DeliveryResult(notification_id=notification_id, event_type=event_type, url=url)
    for copy in range(duplicates + 1):
        for attempt in range(1, active.max_attempts + 1):
            delay = active.delay_before(attempt)
            if delay:
                await sleep(delay)
            headers = {
                "Content-Type": "application/json",
                # What the real sender presents; some merchants filter on it.
                "User-Agent": "Mozilla/4.0",
                **sign(body),
            }
            try:
                response = await client.post(
                    url, content=body, headers=headers, timeout=active.timeout_seconds
                )
            except Exception as exc:  # any merchant-side failure is just a failed attempt
                result.attempts.append(
                    DeliveryAttempt(copy, attempt, None, f"{type(exc).__name__}: {exc}")
                )
                continue
            outcome = DeliveryAttempt(copy, attempt, response.status_code)
            result.attempts.append(outcome)
            if outcome.ok:
                break
    return result
