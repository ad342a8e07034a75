"""Security headers on everything the gateway answers (web app, its own API, proxied
services, errors) and an explicit CORS policy: only the origins in the settings."""

from __future__ import annotations

import httpx
import pytest

from skillcert.testing import ServiceHarness
from tests.conftest import ALLOWED_ORIGIN
from tests.helpers import SESSIONS, client

SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
    "x-frame-options": "DENY",
}


def csp(response: httpx.Response) -> dict[str, str]:
    directives = [d.strip() for d in response.headers["content-security-policy"].split(";")]
    return {d.split(" ", 1)[0]: d.split(" ", 1)[1] if " " in d else "" for d in directives if d}


@pytest.mark.parametrize(
    "method, path",
    [
        ("GET", "/"),  # the web app (or its 404 when it is not built)
        ("GET", "/login"),
        ("GET", "/api/v1/gateway/me"),  # 401 problem
        ("POST", SESSIONS),  # 422 problem
        ("GET", "/api/v1/registration/echo/x"),  # proxied
        ("GET", "/.well-known/jwks.json"),
    ],
)
async def test_every_answer_carries_the_security_headers(
    harness: ServiceHarness, method: str, path: str
) -> None:
    response = await client(harness).request(method, path)
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, (path, name)
    policy = csp(response)
    assert policy["frame-ancestors"] == "'none'"
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"  # no inline or eval'd script
    assert policy["object-src"] == "'none'"


async def test_an_upstreams_own_header_is_not_doubled(harness: ServiceHarness) -> None:
    response = await client(harness).get("/api/v1/registration/echo/x")
    assert len(response.headers.get_list("x-content-type-options")) == 1


async def test_the_api_docs_page_may_load_swagger_ui_from_its_cdn(harness: ServiceHarness) -> None:
    response = await client(harness).get("/docs")
    assert response.status_code == 200
    policy = csp(response)
    assert "https://cdn.jsdelivr.net" in policy["script-src"]
    assert policy["frame-ancestors"] == "'none'"


class TestCors:
    async def test_a_preflight_from_an_allowed_origin_is_answered(
        self, harness: ServiceHarness
    ) -> None:
        response = await client(harness).options(
            SESSIONS,
            headers={
                "Origin": ALLOWED_ORIGIN,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type, authorization",
            },
        )
        assert response.status_code == 200
        assert response.headers["access-control-allow-origin"] == ALLOWED_ORIGIN
        allowed = response.headers["access-control-allow-headers"].lower()
        assert "authorization" in allowed and "content-type" in allowed
        # Bearer tokens, no cookies: credentials are never allowed cross-origin.
        assert "access-control-allow-credentials" not in response.headers

    async def test_another_origin_gets_no_cors_headers(self, harness: ServiceHarness) -> None:
        preflight = await client(harness).options(
            SESSIONS,
            headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
        )
        assert "access-control-allow-origin" not in preflight.headers
        simple = await client(harness).get(
            "/.well-known/jwks.json", headers={"Origin": "https://evil.example"}
        )
        assert simple.status_code == 200
        assert "access-control-allow-origin" not in simple.headers

    async def test_a_service_may_open_a_public_document_to_any_origin(
        self, harness: ServiceHarness
    ) -> None:
        response = await client(harness).get(
            "/api/v1/certificate/public-document", headers={"Origin": "https://wallet.example"}
        )
        assert response.headers["access-control-allow-origin"] == "*"
        assert "etag" in response.headers["access-control-expose-headers"].lower()

    async def test_an_allowed_origin_may_read_retry_after(self, harness: ServiceHarness) -> None:
        response = await client(harness).get(
            "/.well-known/jwks.json", headers={"Origin": ALLOWED_ORIGIN}
        )
        assert response.headers["access-control-allow-origin"] == ALLOWED_ORIGIN
        assert "retry-after" in response.headers["access-control-expose-headers"].lower()


async def test_the_web_app_may_load_and_upload_presigned_storage_links(
    harness: ServiceHarness,
) -> None:
    settings = harness.ctx.settings
    store = f"http://{settings.s3_public_endpoint or settings.s3_endpoint}"
    policy = csp(await client(harness).get("/login"))
    for directive in ("img-src", "connect-src", "form-action"):
        assert store in policy[directive].split(), directive
    assert store not in policy["script-src"]
