"""The per-IP limits count the address the request really came from: X-Forwarded-For names
the client only when the peer is a proxy the operator listed (GATEWAY_TRUSTED_PROXIES)."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from ipaddress import ip_network

import httpx
import uvicorn

from gateway.config import RateLimitPolicy
from gateway.ratelimits.limiter import RateLimiter
from skillcert.serving import server_config
from skillcert.testing import ServiceHarness
from tests.helpers import SMS_CODES


@asynccontextmanager
async def served(harness: ServiceHarness) -> AsyncIterator[str]:
    """The gateway app behind a real uvicorn, configured as every skillcert process is."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    # The harness already ran the lifespan; uvicorn only serves requests.
    server = uvicorn.Server(server_config(harness.app, "127.0.0.1", port, lifespan="off"))
    task = asyncio.create_task(server.serve())
    try:
        while not server.started:
            assert not task.done(), "uvicorn stopped while starting"
            await asyncio.sleep(0.02)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 10)


def tight_limits(harness: ServiceHarness, capacity: int) -> None:
    policy = RateLimitPolicy(capacity=capacity, refill_per_s=1 / 3600)
    harness.ctx.resources.limiter = RateLimiter({"sms-codes": policy})


async def test_a_forged_forwarded_for_from_a_loopback_caller_gets_no_fresh_budget(
    harness: ServiceHarness,
) -> None:
    tight_limits(harness, capacity=2)
    statuses = []
    async with served(harness) as base_url, httpx.AsyncClient(base_url=base_url) as http:
        for n in range(4):
            response = await http.post(
                SMS_CODES,
                json={"phone": f"1390000000{n}", "purpose": "login"},
                headers={"X-Forwarded-For": f"203.0.113.{n}"},
            )
            statuses.append(response.status_code)
    # Answered while the bucket lasts; the forged addresses share it.
    assert statuses == [202, 202, 429, 429], statuses


async def test_forwarded_for_counts_from_a_proxy_the_operator_named(
    harness: ServiceHarness,
) -> None:
    tight_limits(harness, capacity=1)
    settings = harness.ctx.settings
    settings.trusted_proxies = [ip_network("127.0.0.0/8")]
    try:
        async with served(harness) as base_url, httpx.AsyncClient(base_url=base_url) as http:
            for n in range(2):
                response = await http.post(
                    SMS_CODES,
                    json={"phone": f"1390000000{n}", "purpose": "login"},
                    headers={"X-Forwarded-For": f"203.0.113.{n}"},
                )
                # Two clients behind the named proxy: a bucket each.
                assert response.status_code == 202, response.text
            again = await http.post(
                SMS_CODES,
                json={"phone": "13900000009", "purpose": "login"},
                headers={"X-Forwarded-For": "6.6.6.6, 203.0.113.0"},
            )
            assert again.status_code == 429
    finally:
        settings.trusted_proxies = []


async def test_an_upstream_gets_the_peer_not_the_callers_forged_chain(
    harness: ServiceHarness,
) -> None:
    async with served(harness) as base_url, httpx.AsyncClient(base_url=base_url) as http:
        response = await http.get(
            "/api/v1/registration/echo/x", headers={"X-Forwarded-For": "203.0.113.9"}
        )
    headers = dict(response.json()["headers"])
    assert headers["x-forwarded-for"] == "127.0.0.1"
    assert "server" not in response.headers
