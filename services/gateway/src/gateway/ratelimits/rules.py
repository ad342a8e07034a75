"""Rate-limit rules: a token bucket per (endpoint, client IP), and who the client is behind
the proxies the operator trusts. Pure arithmetic, no I/O."""

from __future__ import annotations

import ipaddress
import math
from collections.abc import Sequence
from dataclasses import dataclass

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


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


def is_trusted(address: str, proxies: Sequence[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in proxies)


def client_address(peer: str, forwarded_for: Sequence[str], proxies: Sequence[Network]) -> str:
    """The client behind trusted proxies: X-Forwarded-For is read only when the peer is one of
    `proxies`, from the right (each proxy appends the address it saw), and the first address
    that is not a trusted proxy is the client. Anything left of it was written by the client
    and proves nothing. An entry that is not an IP address stops the walk at the proxy."""
    if not is_trusted(peer, proxies):
        return peer
    hops = [hop.strip() for value in forwarded_for for hop in value.split(",")]
    client = peer
    for hop in reversed([h for h in hops if h]):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            return client
        client = hop
        if not is_trusted(hop, proxies):
            return hop
    return client
