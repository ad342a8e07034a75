"""证书查验 through the gateway: limited per client address and per certificate number, with a
problem+json 429 and Retry-After, before the request reaches the certificate service."""

from __future__ import annotations

from ipaddress import ip_network

from gateway.config import RateLimitPolicy
from gateway.ratelimits.limiter import RateLimiter
from gateway.ratelimits.rules import body_key
from skillcert.testing import ServiceHarness, assert_problem
from tests.helpers import client

VERIFY = "/api/v1/certificate/verify"
ID_NUMBER = "11010119900307451X"


def limits(harness: ServiceHarness, per_client: int, per_number: int) -> None:
    harness.ctx.resources.limiter = RateLimiter(
        {
            "certificate-verify": RateLimitPolicy(capacity=per_client, refill_per_s=1 / 60),
            "certificate-verify-number": RateLimitPolicy(capacity=per_number, refill_per_s=1 / 120),
        }
    )


def from_client(n: int) -> dict[str, str]:
    return {"X-Forwarded-For": f"203.0.113.{n}"}


async def test_one_address_is_held_after_its_budget_whatever_numbers_it_tries(
    harness: ServiceHarness,
) -> None:
    limits(harness, per_client=3, per_number=100)
    http = client(harness)
    for n in range(3):
        response = await http.post(
            VERIFY, json={"number": f"2026ORG{n:08d}", "id_number": ID_NUMBER}
        )
        assert response.status_code == 200, response.text
    held = await http.post(VERIFY, json={"number": "2026ORG00000009", "id_number": ID_NUMBER})
    body = assert_problem(held, 429)
    assert body["detail"] == "请求过于频繁，请稍后再试"
    assert held.headers["Retry-After"] == "60"


async def test_one_number_is_held_across_addresses_however_it_is_typed(
    harness: ServiceHarness,
) -> None:
    limits(harness, per_client=100, per_number=2)
    settings = harness.ctx.settings
    # Behind a proxy the operator trusts each X-Forwarded-For address is its own client.
    settings.trusted_proxies = [ip_network("127.0.0.0/8"), ip_network("::1/128")]
    try:
        http = client(harness)
        spellings = ["2026ORG00000001", " 2026org00000001", "2026 ORG 00000001"]
        statuses = [
            (
                await http.post(
                    VERIFY, json={"number": typed, "id_number": ID_NUMBER}, headers=from_client(n)
                )
            ).status_code
            for n, typed in enumerate(spellings)
        ]
        assert statuses == [200, 200, 429]
        # Another certificate is not affected.
        other = await http.post(
            VERIFY,
            json={"number": "2026ORG00000002", "id_number": ID_NUMBER},
            headers=from_client(9),
        )
        assert other.status_code == 200
    finally:
        settings.trusted_proxies = []


async def test_other_operations_of_the_service_are_not_counted(harness: ServiceHarness) -> None:
    limits(harness, per_client=1, per_number=1)
    http = client(harness)
    for _ in range(3):
        assert (await http.get("/api/v1/certificate/echo/x")).status_code == 200
    assert (await http.post(VERIFY, json={"number": "A1", "id_number": "x"})).status_code == 200


def test_body_key_reads_only_a_text_field_of_a_json_object() -> None:
    assert body_key(b'{"number": " ab 12 "}', "number") == "AB12"
    assert body_key(b'{"number": 12}', "number") is None
    assert body_key(b"[1]", "number") is None
    assert body_key(b"\xff", "number") is None
    assert body_key(b'{"number": "  "}', "number") is None
