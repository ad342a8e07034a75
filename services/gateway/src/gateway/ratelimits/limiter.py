"""Per client IP rate limits on the public endpoints (sms-codes, accounts, sessions, …).

Buckets live in this process's memory: cheap, and good enough against one noisy client. With
N gateway replicas a client gets up to N times the budget; the limits that must hold globally
(SMS cool-down and hourly cap per phone, login lock-out) are kept in the database instead.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request

from gateway.config import RateLimitPolicy
from gateway.context import context
from gateway.ratelimits.rules import (
    PROXIED_LIMITS,
    TokenBucket,
    body_key,
    client_address,
    is_trusted,
    retry_after_header,
)
from skillcert.errors import RateLimited

# Idle (full) buckets are dropped once this many exist, so memory stays bounded.
MAX_BUCKETS = 50_000


class RateLimiter:
    def __init__(
        self,
        policies: dict[str, RateLimitPolicy],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.policies = policies
        self.clock = clock
        self._buckets: dict[tuple[str, str], TokenBucket] = {}

    def check(self, name: str, client: str) -> None:
        policy = self.policies.get(name)
        if policy is None:
            return
        at = self.clock()
        key = (name, client)
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= MAX_BUCKETS:
                self._prune(at)
            bucket = self._buckets[key] = TokenBucket.full(policy.capacity, policy.refill_per_s, at)
        wait = bucket.take(at)
        if wait > 0:
            raise RateLimited(
                "请求过于频繁，请稍后再试", headers={"Retry-After": retry_after_header(wait)}
            )

    def _prune(self, at: float) -> None:
        for key in [k for k, b in self._buckets.items() if b.is_full(at)]:
            del self._buckets[key]

    def clear(self) -> None:
        self._buckets.clear()


def peer_ip(request: Request) -> str:
    """The address that connected to us (uvicorn never rewrites it: skillcert.serving)."""
    return request.client.host if request.client else "unknown"


def peer_is_trusted_proxy(request: Request) -> bool:
    return is_trusted(peer_ip(request), context(request).settings.trusted_proxies)


def client_ip(request: Request) -> str:
    """The client's address for the per-IP limits and the logs."""
    settings = context(request).settings
    return client_address(
        peer_ip(request), request.headers.getlist("x-forwarded-for"), settings.trusted_proxies
    )


def rate_limited(name: str) -> Callable[[Request], Coroutine[Any, Any, None]]:
    """Dependency: one token from the caller's bucket for endpoint `name`, or 429."""

    async def check(request: Request) -> None:
        context(request).resources.limiter.check(name, client_ip(request))

    return check


def check_proxied(request: Request, service: str, path: str, body: bytes) -> None:
    """The limits of a proxied operation (PROXIED_LIMITS), before it reaches the service."""
    limit = PROXIED_LIMITS.get((request.method, service, path.strip("/")))
    if limit is None:
        return
    limiter = context(request).resources.limiter
    limiter.check(limit.per_client, client_ip(request))
    if (key := body_key(body, limit.body_field)) is not None:
        limiter.check(limit.per_field, key)
