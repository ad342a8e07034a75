"""The gateway: accounts, login, SMS codes, JWT issuing (JWKS), routing to the services, rate
limits, the merged OpenAPI document and the web app."""

from __future__ import annotations

import logging
import secrets
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

import httpx
from fastapi import FastAPI

from gateway.accounts import models as _accounts_models  # noqa: F401  (register tables)
from gateway.accounts.router import jwks_router
from gateway.accounts.router import router as accounts_router
from gateway.accounts.service import AccountService, IdentityKit, Passwords
from gateway.audit.router import router as audit_router
from gateway.base import Base
from gateway.config import GatewaySettings
from gateway.context import Context, GatewayResources
from gateway.headers.middleware import gateway_middleware
from gateway.ratelimits.limiter import RateLimiter
from gateway.routing.router import proxy_router
from gateway.routing.router import router as routing_router
from gateway.routing.upstreams import Upstreams
from gateway.subscriptions import HANDLERS
from gateway.web.router import router as web_router
from skillcert.auth import (
    SigningKey,
    TokenIssuer,
    TokenVerifier,
    jwks_static,
    public_jwk_from_pem,
)
from skillcert.crypto import EncryptedColumn, reencryption_job
from skillcert.db import transaction
from skillcert.service import Lifespan, ServiceSpec, SharedInfra, create_service_app

MIGRATIONS = Path(__file__).parent / "migrations"

log = logging.getLogger("gateway")


def signing_key(settings: GatewaySettings) -> SigningKey:
    if settings.jwt_private_key_pem is not None:
        pem = settings.jwt_private_key_pem.get_secret_value().encode()
        return SigningKey.from_pem(pem, settings.jwt_key_id)
    log.warning("no GATEWAY_JWT_PRIVATE_KEY_PEM: using a key generated for this process only")
    return SigningKey.generate()


def identity_kit(ctx: Context) -> IdentityKit:
    settings = ctx.settings
    issuer = TokenIssuer(
        signing_key(settings),
        settings.jwt_issuer,
        settings.jwt_audience,
        ttl=timedelta(seconds=settings.access_token_ttl_s),
        also_published=[
            public_jwk_from_pem(pem.encode(), kid)
            for kid, pem in settings.jwt_published_keys.items()
        ],
    )
    code_secret = (
        settings.sms_code_secret.get_secret_value().encode()
        if settings.sms_code_secret is not None
        else secrets.token_bytes(32)
    )
    return IdentityKit(
        settings=settings,
        issuer=issuer,
        passwords=Passwords(settings),
        code_secret=code_secret,
        sessionmaker=ctx.sessionmaker,
    )


def own_verifier(identity: IdentityKit, settings: GatewaySettings) -> TokenVerifier:
    """The gateway checks its own tokens with the keys it publishes, not over HTTP to itself."""
    return TokenVerifier(
        jwks_static(identity.issuer.jwks()), settings.jwt_issuer, settings.jwt_audience
    )


def _lifespan(
    upstream_transports: Mapping[str, httpx.AsyncBaseTransport] | None,
) -> Lifespan[GatewaySettings, GatewayResources]:
    @asynccontextmanager
    async def lifespan(ctx: Context) -> AsyncIterator[GatewayResources]:
        settings = ctx.settings
        identity = identity_kit(ctx)
        await identity.passwords.prepare()
        ctx.verifier = own_verifier(identity, settings)
        await seed_demo(ctx, identity)
        upstreams = Upstreams(settings.upstreams, upstream_transports, settings.upstream_timeout_s)
        try:
            yield GatewayResources(identity, RateLimiter(settings.rate_limits), upstreams)
        finally:
            await upstreams.aclose()

    return lifespan


async def seed_demo(ctx: Context, identity: IdentityKit | None = None) -> None:
    """Create the demo staff accounts (ORG-DEMO, the demo institution, PROV-GX, ops) if missing."""
    settings = ctx.settings
    if not settings.should_seed_demo:
        return
    configured = settings.demo_password.get_secret_value() if settings.demo_password else None
    password = configured or f"Demo{secrets.token_hex(6)}9"
    kit = identity or ctx.resources.identity
    async with transaction(ctx.sessionmaker) as session:
        created = await AccountService(session, kit).seed_demo_staff(password)
    if created and configured is None:
        # Shown once, on stdout only (never logged): nobody could sign in otherwise.
        print(f"demo staff accounts {', '.join(created)} created; password: {password}", flush=True)


#: moves encrypted phones to the active key after a rotation (docs/security.md)
PII_JOB = reencryption_job(
    [EncryptedColumn("accounts", "phone"), EncryptedColumn("sms_codes", "phone")]
)


def build_spec(
    settings: GatewaySettings | None = None,
    upstream_transports: Mapping[str, httpx.AsyncBaseTransport] | None = None,
) -> ServiceSpec[GatewaySettings, GatewayResources]:
    return ServiceSpec(
        name="gateway",
        title="gateway",
        settings=settings or GatewaySettings(),
        metadata=Base.metadata,
        migrations=MIGRATIONS,
        # The catch-alls go last so the gateway's own routes match first: the proxy for
        # /api/v1/<service>/…, then the web app for everything else.
        routers=[
            accounts_router,
            audit_router,
            jwks_router,
            routing_router,
            proxy_router,
            web_router,
        ],
        handlers=HANDLERS,
        lifespan=_lifespan(upstream_transports),
        middleware=gateway_middleware,
        jobs=[PII_JOB],
    )


def create_app(
    shared: SharedInfra | None = None,
    upstream_transports: dict[str, httpx.AsyncBaseTransport] | None = None,
) -> FastAPI:
    return create_service_app(build_spec(upstream_transports=upstream_transports), shared)
