"""The gateway: accounts, login, SMS codes, JWT issuing (JWKS), routing to the services, rate
limits, the merged OpenAPI document and the web app."""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path

import httpx
from fastapi import FastAPI

from gateway.accounts import models as _accounts_models  # noqa: F401  (register tables)
from gateway.accounts.router import IDENTITY_KEY, jwks_router
from gateway.accounts.router import router as accounts_router
from gateway.accounts.service import AccountService, IdentityKit, Passwords
from gateway.base import Base
from gateway.config import GatewaySettings
from gateway.ratelimits.limiter import EXTRAS_KEY as RATELIMITER_KEY
from gateway.ratelimits.limiter import RateLimiter
from gateway.routing.router import proxy_router
from gateway.routing.router import router as routing_router
from gateway.routing.upstreams import EXTRAS_KEY as UPSTREAMS_KEY
from gateway.routing.upstreams import Upstreams
from gateway.subscriptions import HANDLERS
from gateway.web.router import router as web_router
from skillcert.auth import SigningKey, TokenIssuer, TokenVerifier, jwks_static
from skillcert.db import transaction
from skillcert.service import Hook, ServiceContext, ServiceSpec, SharedInfra, create_service_app

MIGRATIONS = Path(__file__).parent / "migrations"

log = logging.getLogger("gateway")


def _settings(ctx: ServiceContext) -> GatewaySettings:
    settings = ctx.settings
    assert isinstance(settings, GatewaySettings)
    return settings


def signing_key(settings: GatewaySettings) -> SigningKey:
    if settings.jwt_private_key_pem is not None:
        pem = settings.jwt_private_key_pem.get_secret_value().encode()
        return SigningKey.from_pem(pem, settings.jwt_key_id)
    log.warning("no GATEWAY_JWT_PRIVATE_KEY_PEM: using a key generated for this process only")
    return SigningKey.generate()


def _start(upstream_transports: Mapping[str, httpx.AsyncBaseTransport] | None) -> Hook:
    async def start(ctx: ServiceContext) -> None:
        settings = _settings(ctx)
        issuer = TokenIssuer(
            signing_key(settings),
            settings.jwt_issuer,
            settings.jwt_audience,
            ttl=timedelta(seconds=settings.access_token_ttl_s),
        )
        # The gateway checks its own tokens with its own key, not over HTTP to itself.
        ctx.verifier = TokenVerifier(
            jwks_static(issuer.jwks()), settings.jwt_issuer, settings.jwt_audience
        )
        code_secret = (
            settings.sms_code_secret.get_secret_value().encode()
            if settings.sms_code_secret is not None
            else secrets.token_bytes(32)
        )
        ctx.extras[IDENTITY_KEY] = IdentityKit(
            settings=settings,
            issuer=issuer,
            passwords=Passwords(settings),
            code_secret=code_secret,
            sessionmaker=ctx.sessionmaker,
        )
        ctx.extras[RATELIMITER_KEY] = RateLimiter(settings.rate_limits)
        ctx.extras[UPSTREAMS_KEY] = Upstreams(
            settings.upstreams, upstream_transports, settings.upstream_timeout_s
        )

    return start


async def seed_demo(ctx: ServiceContext) -> None:
    """Create the demo staff accounts (ORG-DEMO, INST-DEMO, PROV-GX, ops) when missing."""
    settings = _settings(ctx)
    if not settings.should_seed_demo:
        return
    configured = settings.demo_password.get_secret_value() if settings.demo_password else None
    password = configured or f"Demo{secrets.token_hex(6)}9"
    async with transaction(ctx.sessionmaker) as session:
        created = await AccountService(session, ctx.extras[IDENTITY_KEY]).seed_demo_staff(password)
    if created and configured is None:
        # Shown once, on stdout only (never logged): nobody could sign in otherwise.
        print(f"demo staff accounts {', '.join(created)} created; password: {password}", flush=True)


async def _close_upstreams_on_shutdown(ctx: ServiceContext) -> None:
    # Background jobs are cancelled at shutdown: the one place to release the HTTP pools.
    try:
        await asyncio.Event().wait()
    finally:
        await ctx.extras[UPSTREAMS_KEY].aclose()


def build_spec(
    settings: GatewaySettings | None = None,
    upstream_transports: Mapping[str, httpx.AsyncBaseTransport] | None = None,
) -> ServiceSpec:
    return ServiceSpec(
        name="gateway",
        title="gateway",
        settings=settings or GatewaySettings(),
        metadata=Base.metadata,
        migrations=MIGRATIONS,
        # The catch-alls go last so the gateway's own routes match first: the proxy for
        # /api/v1/<service>/…, then the web app for everything else.
        routers=[accounts_router, jwks_router, routing_router, proxy_router, web_router],
        handlers=HANDLERS,
        on_startup=[_start(upstream_transports), seed_demo],
        background=[_close_upstreams_on_shutdown],
    )


def create_app(
    shared: SharedInfra | None = None,
    upstream_transports: dict[str, httpx.AsyncBaseTransport] | None = None,
) -> FastAPI:
    return create_service_app(build_spec(upstream_transports=upstream_transports), shared)
