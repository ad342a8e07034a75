"""Wrong passwords slow down the (login, source) pair that sends them, with growing delays;
the account's owner elsewhere, and by SMS code anywhere, still gets in. Only a much higher
count over all sources locks the account outright, and that is logged."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import update

from gateway.accounts.models import LoginThrottle
from skillcert.testing import ServiceHarness, assert_problem
from tests.helpers import PASSWORD, SESSIONS, client, register, send_code

VICTIM = "13712345678"
WRONG = "Wrong1234"


def from_address(harness: ServiceHarness, address: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=harness.app, client=(address, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://gateway.test")


@pytest.fixture
async def attacker(harness: ServiceHarness) -> AsyncIterator[httpx.AsyncClient]:
    async with from_address(harness, "203.0.113.66") as http:
        yield http


async def try_login(http: httpx.AsyncClient, login: str, password: str) -> httpx.Response:
    return await http.post(SESSIONS, json={"login": login, "password": password})


async def unblock(harness: ServiceHarness) -> None:
    """The delay has passed (instead of waiting it out)."""
    async with harness.ctx.sessionmaker() as session:
        await session.execute(
            update(LoginThrottle).values(blocked_until=datetime.now(UTC) - timedelta(seconds=1))
        )
        await session.commit()


class TestSomeoneElsesWrongPasswords:
    async def test_do_not_lock_the_owner_out(
        self, harness: ServiceHarness, attacker: httpx.AsyncClient
    ):
        await register(harness, VICTIM)
        for _ in range(12):
            await try_login(attacker, VICTIM, WRONG)
            await unblock(harness)
        # The owner, from their own address, with the right password.
        assert (await try_login(client(harness), VICTIM, PASSWORD)).status_code == 200

    async def test_slow_down_the_sender_with_growing_delays(
        self, harness: ServiceHarness, attacker: httpx.AsyncClient
    ):
        await register(harness, VICTIM)
        free = harness.ctx.settings.login_free_failures
        for _ in range(free):
            assert_problem(await try_login(attacker, VICTIM, WRONG), 401)
        waits = []
        for _ in range(3):
            assert_problem(await try_login(attacker, VICTIM, WRONG), 401)
            held = await try_login(attacker, VICTIM, PASSWORD)
            assert_problem(held, 429, detail=None)
            waits.append(int(held.headers["Retry-After"]))
            await unblock(harness)
        assert waits == [2, 4, 8]

    async def test_answer_alike_for_an_account_nobody_has(
        self, harness: ServiceHarness, attacker: httpx.AsyncClient
    ):
        await register(harness, VICTIM)

        async def run(login: str) -> list[tuple[int, str, str | None]]:
            seen = []
            for _ in range(harness.ctx.settings.login_free_failures + 2):
                response = await try_login(attacker, login, WRONG)
                seen.append(
                    (
                        response.status_code,
                        response.json()["detail"],
                        response.headers.get("Retry-After"),
                    )
                )
            return seen

        assert await run(VICTIM) == await run("13787654321")

    async def test_the_owner_gets_in_by_sms_code_from_the_held_address(
        self, harness: ServiceHarness
    ):
        await register(harness, VICTIM)
        for _ in range(harness.ctx.settings.login_free_failures + 1):
            await try_login(client(harness), VICTIM, WRONG)
        assert (await try_login(client(harness), VICTIM, PASSWORD)).status_code == 429
        code = await send_code(harness, VICTIM, "login")
        response = await client(harness).post(SESSIONS, json={"login": VICTIM, "code": code})
        assert response.status_code == 200
        # And the code login cleared the hold on that address.
        assert (await try_login(client(harness), VICTIM, PASSWORD)).status_code == 200


class TestOutrightLock:
    @pytest.fixture
    def low_threshold(self, harness: ServiceHarness) -> AsyncIterator[int]:
        settings = harness.ctx.settings
        before = settings.login_lock_failures
        settings.login_lock_failures = 12
        yield 12
        settings.login_lock_failures = before

    async def test_many_sources_lock_the_account_logged_and_sms_code_still_opens_it(
        self, harness: ServiceHarness, low_threshold: int, caplog: pytest.LogCaptureFixture
    ):
        await register(harness, VICTIM)
        free = harness.ctx.settings.login_free_failures
        caplog.set_level(logging.WARNING, logger="gateway.accounts")
        for n in range(low_threshold):
            async with from_address(harness, f"198.51.100.{n // free}") as http:
                assert_problem(await try_login(http, VICTIM, WRONG), 401)
        assert any("locked" in r.getMessage() for r in caplog.records)
        # Locked: even the right password from a fresh address is refused, with a way out.
        response = await try_login(client(harness), VICTIM, PASSWORD)
        problem = assert_problem(response, 423)
        assert "短信验证码" in problem["detail"]
        code = await send_code(harness, VICTIM, "login")
        response = await client(harness).post(SESSIONS, json={"login": VICTIM, "code": code})
        assert response.status_code == 200
        assert (await try_login(client(harness), VICTIM, PASSWORD)).status_code == 200

    async def test_wrong_passwords_on_a_locked_account_answer_as_any_other(
        self, harness: ServiceHarness, low_threshold: int
    ):
        await register(harness, VICTIM)
        free = harness.ctx.settings.login_free_failures
        for n in range(low_threshold):
            async with from_address(harness, f"198.51.100.{n // free}") as http:
                await try_login(http, VICTIM, WRONG)
        response = await try_login(client(harness), VICTIM, WRONG)
        assert_problem(response, 401, detail="账号或密码错误")
