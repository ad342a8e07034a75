"""Rate-limit rules: a token bucket per (endpoint, client IP), and who the client is behind
the proxies the operator trusts. Pure arithmetic, no I/O."""

from __future__ import annotations

import ipaddress
import json
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


@dataclass(frozen=True)
class ProxiedLimit:
    """A limit the gateway applies to a proxied operation: one bucket per client address
    (`per_client`) and, when the JSON body names it, one per value of `body_field`."""

    per_client: str
    body_field: str
    per_field: str


# (method, service, path below /api/v1/{service}/) -> its limits. Kept here rather than in the
# service because only the gateway knows the client's address.
PROXIED_LIMITS: dict[tuple[str, str, str], ProxiedLimit] = {
    ("POST", "certificate", "verify"): ProxiedLimit(
        per_client="certificate-verify",
        body_field="number",
        per_field="certificate-verify-number",
    ),
}


def body_key(body: bytes, field: str) -> str | None:
    """The normalised value of `field` in a JSON object body (case and spaces do not make a
    new bucket), or None when the body has no such text field; the service then answers 422."""
    try:
        value = json.loads(body).get(field)
    except (ValueError, UnicodeDecodeError, AttributeError):
        return None
    if not isinstance(value, str) or not value.strip():
        return None
    return "".join(value.split()).upper()[:64]
