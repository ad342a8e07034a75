"""Nobody learns from the gateway's answers whether a phone or username has an account:
login, SMS codes for login and password reset, and the reset itself answer registered and
unknown accounts alike (bodies compared here; the timing is a measured figure, below)."""

from __future__ import annotations

import statistics
import time
from typing import Any

import httpx
from argon2 import extract_parameters

from skillcert.testing import ServiceHarness
from tests.helpers import RESETS, SESSIONS, SMS_CODES, backdate_codes, client, login, register

KNOWN = "13712345678"
UNKNOWN = "13787654321"
NEW_PASSWORD = "Better2025"


def answer(response: httpx.Response) -> tuple[int, dict[str, Any]]:
    """Status and body without what names the request itself."""
    body = response.json() if response.content else {}
    for own in ("correlation_id", "instance"):
        body.pop(own, None)
    return response.status_code, body


class TestSameAnswers:
    async def test_wrong_password_and_unknown_login_answer_alike(self, harness: ServiceHarness):
        await register(harness, KNOWN)
        known = answer(await login(harness, KNOWN, "Wrong1234"))
        unknown = answer(await login(harness, UNKNOWN, "Wrong1234"))
        assert known == unknown
        assert known[0] == 401 and known[1]["detail"] == "账号或密码错误"

    async def test_unknown_username_and_wrong_staff_password_answer_alike(
        self, harness: ServiceHarness, staff: None
    ):
        known = answer(await login(harness, "inst.head", "Wrong1234"))
        unknown = answer(await login(harness, "nobody.here", "Wrong1234"))
        assert known == unknown

    async def test_sms_codes_for_login_and_reset_answer_alike(self, harness: ServiceHarness):
        await register(harness, KNOWN)
        for purpose in ("login", "reset_password"):
            sent = [
                answer(await client(harness).post(SMS_CODES, json={"phone": p, "purpose": purpose}))
                for p in (KNOWN, UNKNOWN)
            ]
            assert sent[0] == sent[1] and sent[0][0] == 202, sent
            # The cool-down answers alike too: the unknown phone has one running as well.
            again = [
                answer(await client(harness).post(SMS_CODES, json={"phone": p, "purpose": purpose}))
                for p in (KNOWN, UNKNOWN)
            ]
            assert again[0] == again[1] and again[0][0] == 429, again
            for phone in (KNOWN, UNKNOWN):
                await backdate_codes(harness, phone, created_at=time_ago(120))

    async def test_password_reset_answers_alike(self, harness: ServiceHarness):
        await register(harness, KNOWN)
        body = {"code": "000000", "new_password": NEW_PASSWORD}
        # No code asked for yet, then a wrong code after asking.
        before = [
            answer(await client(harness).post(RESETS, json={**body, "phone": p}))
            for p in (KNOWN, UNKNOWN)
        ]
        assert before[0] == before[1] and before[0][0] == 400, before
        for phone in (KNOWN, UNKNOWN):
            sent = await client(harness).post(
                SMS_CODES, json={"phone": phone, "purpose": "reset_password"}
            )
            assert sent.status_code == 202
        wrong = [
            answer(await client(harness).post(RESETS, json={**body, "phone": p}))
            for p in (KNOWN, UNKNOWN)
        ]
        assert wrong[0] == wrong[1] and wrong[0][0] == 400, wrong

    async def test_code_login_answers_alike(self, harness: ServiceHarness):
        await register(harness, KNOWN)
        tried = [
            answer(await client(harness).post(SESSIONS, json={"login": p, "code": "000000"}))
            for p in (KNOWN, UNKNOWN)
        ]
        assert tried[0] == tried[1] and tried[0][0] == 400, tried

    async def test_no_sms_goes_to_a_phone_without_an_account(self, harness: ServiceHarness):
        response = await client(harness).post(
            SMS_CODES, json={"phone": UNKNOWN, "purpose": "reset_password"}
        )
        assert response.status_code == 202
        assert await harness.outbox("identity.sms_code.issued.v1") == []


def time_ago(seconds: int) -> Any:
    from datetime import UTC, datetime, timedelta

    return datetime.now(UTC) - timedelta(seconds=seconds)


class TestSameWork:
    async def test_an_unknown_login_hashes_with_the_same_argon2_parameters(
        self, harness: ServiceHarness
    ):
        passwords = harness.ctx.resources.identity.passwords
        verified: list[str] = []
        real_verify = passwords.verify

        async def spy(password_hash: str, password: str) -> bool:
            verified.append(password_hash)
            return await real_verify(password_hash, password)

        passwords.verify = spy
        try:
            await register(harness, KNOWN)
            await login(harness, KNOWN, "Wrong1234")
            await login(harness, UNKNOWN, "Wrong1234")
        finally:
            del passwords.verify
        known_hash, dummy_hash = verified
        assert extract_parameters(dummy_hash) == extract_parameters(known_hash)

    async def test_timing_figure(self, harness: ServiceHarness, record_property: Any):
        """Not an assertion (a shared 2-core machine makes timings noisy): the medians are
        recorded (junit property, and printed with -s) for docs/security.md."""
        await register(harness, KNOWN)
        medians = {}
        for name, phone in (("known", KNOWN), ("unknown", UNKNOWN)):
            samples = []
            for _ in range(15):
                started = time.perf_counter()
                await login(harness, phone, "Wrong1234")
                samples.append(time.perf_counter() - started)
            medians[name] = statistics.median(samples) * 1000
        record_property("login_wrong_password_median_ms", medians)
        print(f"wrong-password login, median ms: {medians}")
