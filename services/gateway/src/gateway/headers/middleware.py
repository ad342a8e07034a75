"""ASGI middleware: the security headers on every answer, and CORS from the settings."""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.config import GatewaySettings
from gateway.headers.rules import (
    CORS_EXPOSED_HEADERS,
    CORS_METHODS,
    CORS_REQUEST_HEADERS,
    SECURITY_HEADERS,
    csp_for,
    web_app_csp,
)
from skillcert.settings import StorageKind


class SecurityHeadersMiddleware:
    """Adds the security headers (and the path's content security policy) to each HTTP
    response that does not set them itself: the web app, the gateway's API, proxied services
    and error answers alike."""

    def __init__(self, app: ASGIApp, web_csp: str) -> None:
        self.app = app
        self.web_csp = web_csp

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        csp = csp_for(scope["path"], self.web_csp)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in (*SECURITY_HEADERS, ("content-security-policy", csp)):
                    if name not in headers:
                        headers.append(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def gateway_middleware(settings: GatewaySettings) -> list[Middleware]:
    """Outermost first: CORS answers preflights before anything else; the headers go on
    every answer, CORS's own included."""
    object_store = None
    if settings.storage is StorageKind.S3:
        scheme = "https" if settings.s3_secure else "http"
        object_store = f"{scheme}://{settings.s3_public_endpoint or settings.s3_endpoint}"
    return [
        Middleware(SecurityHeadersMiddleware, web_csp=web_app_csp(object_store)),
        Middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_allowed_origins),
            allow_methods=list(CORS_METHODS),
            allow_headers=list(CORS_REQUEST_HEADERS),
            expose_headers=list(CORS_EXPOSED_HEADERS),
            allow_credentials=False,
            max_age=600,
        ),
    ]
