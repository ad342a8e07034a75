"""The token bucket and the in-memory limiter, with a hand-driven clock; who the client is."""

from ipaddress import IPv4Network, IPv6Network, ip_network

import pytest

from gateway.config import RateLimitPolicy
from gateway.ratelimits.limiter import RateLimiter
from gateway.ratelimits.rules import TokenBucket, client_address
from skillcert.errors import RateLimited


class TestTokenBucket:
    def test_allows_a_burst_then_the_refill_rate(self):
        bucket = TokenBucket.full(capacity=2, refill_per_s=0.5, at=0.0)
        assert bucket.take(0.0) == 0 and bucket.take(0.0) == 0
        assert bucket.take(0.0) == pytest.approx(2.0)  # one token every two seconds
        assert bucket.take(2.0) == 0

    def test_never_holds_more_than_its_capacity(self):
        bucket = TokenBucket.full(capacity=1, refill_per_s=1.0, at=0.0)
        bucket.take(0.0)
        assert bucket.is_full(1000.0) and bucket.tokens == 1.0


class TestRateLimiter:
    def test_separate_buckets_per_endpoint_and_client(self):
        now = [0.0]
        limiter = RateLimiter(
            {"sessions": RateLimitPolicy(capacity=1, refill_per_s=0.1)}, clock=lambda: now[0]
        )
        limiter.check("sessions", "1.1.1.1")
        with pytest.raises(RateLimited) as caught:
            limiter.check("sessions", "1.1.1.1")
        assert caught.value.headers == {"Retry-After": "10"}
        limiter.check("sessions", "2.2.2.2")
        limiter.check("unlimited-endpoint", "1.1.1.1")
        now[0] = 10.0
        limiter.check("sessions", "1.1.1.1")


class TestClientAddress:
    PROXIES: tuple[IPv4Network | IPv6Network, ...] = (
        ip_network("10.0.0.0/8"),
        ip_network("fd00::/8"),
    )

    def test_an_untrusted_peer_is_the_client_whatever_it_claims(self):
        assert client_address("198.51.100.7", ["203.0.113.1"], self.PROXIES) == "198.51.100.7"
        # Loopback is not trusted unless listed: a local caller gets no say either.
        assert client_address("127.0.0.1", ["203.0.113.1"], []) == "127.0.0.1"

    def test_behind_a_trusted_proxy_the_rightmost_untrusted_hop_is_the_client(self):
        # The client prepended a forged hop; the proxy appended what it saw.
        chain = ["6.6.6.6, 198.51.100.7", "10.1.2.3"]
        assert client_address("10.0.0.1", chain, self.PROXIES) == "198.51.100.7"

    def test_a_chain_of_trusted_proxies_only_is_read_to_its_left_end(self):
        assert client_address("10.0.0.1", ["10.9.9.9, 10.1.1.1"], self.PROXIES) == "10.9.9.9"

    def test_no_header_or_garbage_stops_at_the_last_good_hop(self):
        assert client_address("10.0.0.1", [], self.PROXIES) == "10.0.0.1"
        assert client_address("10.0.0.1", ["not-an-ip"], self.PROXIES) == "10.0.0.1"
        assert client_address("fd00::1", ["2001:db8::5"], self.PROXIES) == "2001:db8::5"
