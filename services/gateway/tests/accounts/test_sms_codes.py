"""POST /api/v1/gateway/sms-codes: codes are hashed, limited per phone and per client IP."""

from datetime import UTC, datetime, timedelta

import httpx

from gateway.config import RateLimitPolicy
from gateway.ratelimits.limiter import RateLimiter
from skillcert.events import SmsCodeIssued
from skillcert.testing import ServiceHarness, assert_problem
from tests.helpers import SMS_CODES, backdate_codes, client, codes, register

PHONE = "13800138000"


class TestSendSmsCode:
    async def test_records_the_event_and_stores_only_a_hash(self, harness: ServiceHarness):
        response = await client(harness).post(
            SMS_CODES, json={"phone": PHONE, "purpose": "register"}
        )
        assert response.status_code == 202
        assert response.json() == {"expires_in_s": 300, "resend_after_s": 60}
        (event,) = await harness.outbox("identity.sms_code.issued.v1")
        assert isinstance(event, SmsCodeIssued)
        assert event.phone == PHONE and event.purpose == "register"
        assert len(event.code) == 6 and event.code.isdigit()
        assert timedelta(minutes=4) < event.expires_at - datetime.now(UTC) <= timedelta(minutes=5)
        (stored,) = await codes(harness, PHONE)
        assert stored.status == "active" and stored.attempts == 0
        assert event.code not in stored.code_hash and len(stored.code_hash) == 64

    async def test_register_on_a_registered_phone_is_409(self, harness: ServiceHarness):
        await register(harness, PHONE)
        await backdate_codes(harness, PHONE, created_at=datetime.now(UTC) - timedelta(minutes=2))
        response = await client(harness).post(
            SMS_CODES, json={"phone": PHONE, "purpose": "register"}
        )
        problem = assert_problem(response, 409, "phone")
        assert "已注册" in problem["detail"]
        assert len(await codes(harness, PHONE)) == 1

    async def test_reset_password_on_an_unknown_phone_is_202_and_sends_nothing(
        self, harness: ServiceHarness
    ):
        response = await client(harness).post(
            SMS_CODES, json={"phone": PHONE, "purpose": "reset_password"}
        )
        assert response.status_code == 202
        # Stored like any code, so the cool-down answers alike (tests/accounts/test_enumeration).
        assert [c.status for c in await codes(harness, PHONE)] == ["active"]
        assert await harness.outbox() == []

    async def test_resend_within_the_cool_down_is_429_with_retry_after(
        self, harness: ServiceHarness
    ):
        body = {"phone": PHONE, "purpose": "register"}
        assert (await client(harness).post(SMS_CODES, json=body)).status_code == 202
        response = await client(harness).post(SMS_CODES, json=body)
        problem = assert_problem(response, 429)
        assert 55 <= int(response.headers["Retry-After"]) <= 60
        assert "秒后再试" in problem["detail"]
        assert len(await codes(harness, PHONE)) == 1

    async def test_resend_after_the_cool_down_supersedes_the_old_code(
        self, harness: ServiceHarness
    ):
        body = {"phone": PHONE, "purpose": "register"}
        await client(harness).post(SMS_CODES, json=body)
        await backdate_codes(harness, PHONE, created_at=datetime.now(UTC) - timedelta(seconds=61))
        assert (await client(harness).post(SMS_CODES, json=body)).status_code == 202
        assert [c.status for c in await codes(harness, PHONE)] == ["superseded", "active"]

    async def test_hourly_cap_per_phone_is_429(self, harness: ServiceHarness):
        body = {"phone": PHONE, "purpose": "register"}
        for minutes_ago in (50, 40, 30, 20, 10):
            await client(harness).post(SMS_CODES, json=body)
            latest = (await codes(harness, PHONE))[-1]
            async with harness.ctx.sessionmaker() as session:
                row = await session.get(type(latest), latest.id)
                assert row is not None
                row.created_at = datetime.now(UTC) - timedelta(minutes=minutes_ago)
                await session.commit()
        response = await client(harness).post(SMS_CODES, json=body)
        assert_problem(response, 429)
        # The oldest of the five turns one hour old in about ten minutes.
        assert 590 <= int(response.headers["Retry-After"]) <= 600
        assert len(await codes(harness, PHONE)) == 5

    async def test_per_ip_rate_limit_is_429_with_retry_after(self, harness: ServiceHarness):
        harness.ctx.resources.limiter = RateLimiter(
            {"sms-codes": RateLimitPolicy(capacity=2, refill_per_s=0.01)}
        )
        for phone in ("13800000001", "13800000002"):
            response = await client(harness).post(
                SMS_CODES, json={"phone": phone, "purpose": "register"}
            )
            assert response.status_code == 202
        response = await client(harness).post(
            SMS_CODES, json={"phone": "13800000003", "purpose": "register"}
        )
        assert_problem(response, 429)
        assert int(response.headers["Retry-After"]) == 100
        assert await codes(harness, "13800000003") == []
        # Another client address has its own bucket.
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=harness.app, client=("10.0.0.7", 4000)),
            base_url="http://testserver",
        ) as other:
            response = await other.post(
                SMS_CODES, json={"phone": "13800000003", "purpose": "register"}
            )
        assert response.status_code == 202

    async def test_malformed_phone_is_422_with_field(self, harness: ServiceHarness):
        response = await client(harness).post(
            SMS_CODES, json={"phone": "12345", "purpose": "register"}
        )
        assert_problem(response, 422, "phone")
        assert await harness.outbox() == []

    async def test_unknown_purpose_is_422_with_field(self, harness: ServiceHarness):
        response = await client(harness).post(
            SMS_CODES, json={"phone": PHONE, "purpose": "marketing"}
        )
        assert_problem(response, 422, "purpose")
        assert await codes(harness, PHONE) == []
