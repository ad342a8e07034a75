"""The web app's refresh token in an HttpOnly cookie: set on sign-in, rotated on refresh, used
only from a page of the same host, cleared on logout; the body flow stays for other clients."""

from __future__ import annotations

from http.cookies import SimpleCookie
from typing import Any

import httpx
import pytest
from fastapi import Response
from starlette.requests import Request

from gateway.accounts import cookies
from gateway.config import GatewaySettings
from skillcert.settings import Profile
from skillcert.testing import ServiceHarness, assert_problem
from tests.helpers import PASSWORD, SESSIONS, client, register

PHONE = "13712345600"
REFRESH = "/api/v1/gateway/sessions/refresh"
LOGOUT = "/api/v1/gateway/logout"
ME = "/api/v1/gateway/me"
WEB = {cookies.MODE_HEADER: "1"}
SAME_ORIGIN = {"Origin": "http://testserver"}


def set_cookie(response: httpx.Response) -> dict[str, Any]:
    """The refresh cookie the response sets, with its attributes (lower-case names)."""
    headers = [v for k, v in response.headers.multi_items() if k.lower() == "set-cookie"]
    assert len(headers) == 1, headers
    morsel = SimpleCookie(headers[0])[cookies.COOKIE_NAME]
    flags = headers[0].lower()
    return {
        "value": morsel.value,
        "path": morsel["path"],
        "max-age": morsel["max-age"],
        "samesite": morsel["samesite"].lower(),
        "httponly": "httponly" in flags,
        "secure": "secure" in flags,
    }


def with_cookie(value: str, **headers: str) -> dict[str, str]:
    return {"Cookie": f"{cookies.COOKIE_NAME}={value}", **headers}


async def web_login(harness: ServiceHarness) -> httpx.Response:
    await register(harness, PHONE)
    response = await client(harness).post(
        SESSIONS, json={"login": PHONE, "password": PASSWORD}, headers=WEB
    )
    assert response.status_code == 200, response.text
    return response


class TestCookieSession:
    async def test_sign_in_sets_the_refresh_token_only_as_an_httponly_strict_cookie(
        self, harness: ServiceHarness
    ):
        response = await web_login(harness)
        assert response.json()["refresh_token"] is None  # nothing for scripts to read
        cookie = set_cookie(response)
        assert cookie["httponly"] and cookie["secure"]
        assert cookie["samesite"] == "strict"
        assert cookie["path"] == "/api/v1/gateway/sessions"
        assert cookie["max-age"] == str(14 * 86400)
        assert len(cookie["value"]) >= 40

    async def test_refresh_rotates_the_cookie_and_a_reused_one_ends_the_session(
        self, harness: ServiceHarness
    ):
        first = set_cookie(await web_login(harness))["value"]
        renewed = await client(harness).post(
            REFRESH, json={}, headers=with_cookie(first, **SAME_ORIGIN)
        )
        assert renewed.status_code == 200, renewed.text
        body = renewed.json()
        assert body["refresh_token"] is None
        second = set_cookie(renewed)["value"]
        assert second != first
        me = await client(harness).get(
            ME, headers={"Authorization": f"Bearer {body['access_token']}"}
        )
        assert me.status_code == 200
        # The first cookie again (a stolen copy): the whole session ends, the newest too.
        reuse = await client(harness).post(
            REFRESH, json={}, headers=with_cookie(first, **SAME_ORIGIN)
        )
        assert_problem(reuse, 401, slug="unauthorized")
        after = await client(harness).post(
            REFRESH, json={}, headers=with_cookie(second, **SAME_ORIGIN)
        )
        assert_problem(after, 401, slug="unauthorized")

    @pytest.mark.parametrize(
        "origin",
        [None, "https://evil.example", "http://testserver.evil.example", "null"],
    )
    async def test_a_refresh_by_cookie_from_another_origin_is_refused(
        self, harness: ServiceHarness, origin: str | None
    ):
        token = set_cookie(await web_login(harness))["value"]
        headers = with_cookie(token) if origin is None else with_cookie(token, Origin=origin)
        refused = await client(harness).post(REFRESH, json={}, headers=headers)
        assert_problem(refused, 403, slug="forbidden")
        # Refused before use: the real page can still refresh with it.
        ok = await client(harness).post(REFRESH, json={}, headers=with_cookie(token, **SAME_ORIGIN))
        assert ok.status_code == 200

    async def test_no_cookie_and_no_token_is_not_signed_in(self, harness: ServiceHarness):
        refused = await client(harness).post(REFRESH, json={}, headers=SAME_ORIGIN)
        assert_problem(refused, 401, slug="unauthorized")

    async def test_logout_clears_the_cookie_and_revokes_its_token(self, harness: ServiceHarness):
        signed_in = await web_login(harness)
        token = set_cookie(signed_in)["value"]
        bearer = {"Authorization": f"Bearer {signed_in.json()['access_token']}"}
        out = await client(harness).post(LOGOUT, headers=bearer)
        assert out.status_code == 204
        cleared = set_cookie(out)
        assert (cleared["value"], cleared["max-age"], cleared["path"]) == (
            "",
            "0",
            "/api/v1/gateway/sessions",
        )
        again = await client(harness).post(
            REFRESH, json={}, headers=with_cookie(token, **SAME_ORIGIN)
        )
        assert_problem(again, 401, slug="unauthorized")

    async def test_clients_without_the_header_keep_the_body_flow(self, harness: ServiceHarness):
        await register(harness, PHONE)
        response = await client(harness).post(SESSIONS, json={"login": PHONE, "password": PASSWORD})
        assert response.json()["refresh_token"]
        assert "set-cookie" not in response.headers
        renewed = await client(harness).post(
            REFRESH, json={"refresh_token": response.json()["refresh_token"]}
        )
        assert renewed.json()["refresh_token"] and "set-cookie" not in renewed.headers


def _request(url: str) -> Request:
    scheme, rest = url.split("://")
    host = rest.split("/")[0]
    return Request(
        {
            "type": "http",
            "method": "POST",
            "scheme": scheme,
            "server": (host.split(":")[0], 80),
            "path": "/api/v1/gateway/sessions",
            "headers": [(b"host", host.encode())],
            "query_string": b"",
        }
    )


@pytest.mark.parametrize(
    ("profile", "url", "secure"),
    [
        (Profile.DEV, "http://127.0.0.1:8000", False),  # development without TLS
        (Profile.TEST, "http://localhost:8000", False),
        (Profile.DEV, "https://127.0.0.1:8000", True),
        (Profile.DEV, "http://192.168.1.20:8000", True),  # another machine: never plain
        (Profile.PROD, "http://127.0.0.1:8000", True),  # production: always
    ],
)
def test_the_cookie_is_secure_but_on_plain_http_loopback_in_development(
    profile: Profile, url: str, secure: bool
):
    settings = GatewaySettings.model_construct(profile=profile)
    out = Response()
    cookies.set_refresh_cookie(_request(url), out, settings, "t" * 43, 60)
    header = out.headers["set-cookie"].lower()
    assert ("; secure" in header) is secure, header
    assert "; httponly" in header and "samesite=strict" in header
