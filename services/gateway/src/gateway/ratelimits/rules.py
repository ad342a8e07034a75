"""Rate-limit rules: a token bucket per (endpoint, client IP). Pure arithmetic, no I/O."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass
class TokenBucket:
    """Holds up to `capacity` tokens, refilled continuously at `refill_per_s`; each request
    takes one. Bursts up to the capacity pass, a steady flood is held to the refill rate."""

    capacity: int
    refill_per_s: float
    tokens: float
    updated_at: float

    @classmethod
    def full(cls, capacity: int, refill_per_s: float, at: float) -> TokenBucket:
        return cls(capacity, refill_per_s, float(capacity), at)

    def _refill(self, at: float) -> None:
        elapsed = max(0.0, at - self.updated_at)
        self.tokens = min(float(self.capacity), self.tokens + elapsed * self.refill_per_s)
        self.updated_at = at

    def take(self, at: float) -> float:
        """Take a token; returns 0 when allowed, else the seconds until one is available."""
        self._refill(at)
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return 0.0
        return (1.0 - self.tokens) / self.refill_per_s

    def is_full(self, at: float) -> bool:
        self._refill(at)
        return self.tokens >= self.capacity


def retry_after_header(wait_s: float) -> str:
    return str(max(1, math.ceil(wait_s)))
