"""The refresh token as an HttpOnly cookie, for the web app.

A browser asks for it with the header ``X-Refresh-Cookie: 1`` on sign-in, sign-up and refresh:
the rotating refresh token then travels only in the ``skillcert_refresh`` cookie — HttpOnly
(no script reads it), Secure (but on http://127.0.0.1 and localhost outside prod, where
development runs without TLS), SameSite=Strict (no other site's page sends it), Path
``/api/v1/gateway/sessions`` (sent to sign-in and refresh only) — and the JSON body carries
``refresh_token: null``. A cookie-based refresh must come with an ``Origin`` naming this very
host, as browsers send on every POST; the gateway's CORS policy allows no credentials, so no
other origin can use the cookie even if SameSite failed. Clients without the header (mobile
apps, scripts) keep the body-based flow."""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import Request, Response

from skillcert.errors import Forbidden
from skillcert.settings import Profile, ServiceSettings

COOKIE_NAME = "skillcert_refresh"
COOKIE_PATH = "/api/v1/gateway/sessions"
MODE_HEADER = "X-Refresh-Cookie"
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def wants_cookie(request: Request) -> bool:
    return request.headers.get(MODE_HEADER) == "1"


def _secure(request: Request, settings: ServiceSettings) -> bool:
    development_http = (
        settings.profile is not Profile.PROD
        and request.url.scheme == "http"
        and request.url.hostname in _LOOPBACK
    )
    return not development_http


def set_refresh_cookie(
    request: Request, response: Response, settings: ServiceSettings, token: str, max_age: int
) -> None:
    response.set_cookie(
        COOKIE_NAME,
        token,
        max_age=max_age,
        path=COOKIE_PATH,
        secure=_secure(request, settings),
        httponly=True,
        samesite="strict",
    )


def clear_refresh_cookie(request: Request, response: Response, settings: ServiceSettings) -> None:
    response.delete_cookie(
        COOKIE_NAME,
        path=COOKIE_PATH,
        secure=_secure(request, settings),
        httponly=True,
        samesite="strict",
    )


def check_same_origin(request: Request) -> None:
    """Refuse a cookie-based refresh that does not come from a page of this host (CSRF)."""
    origin = request.headers.get("origin")
    host = request.headers.get("host")
    if not origin or not host or urlsplit(origin).netloc != host:
        raise Forbidden("请求来源不被允许")
