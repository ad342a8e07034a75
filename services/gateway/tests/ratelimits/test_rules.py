"""The token bucket and the in-memory limiter, with a hand-driven clock."""

import pytest

from gateway.config import RateLimitPolicy
from gateway.ratelimits.limiter import RateLimiter
from gateway.ratelimits.rules import TokenBucket
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
