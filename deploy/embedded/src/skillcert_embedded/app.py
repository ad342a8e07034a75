"""Embedded mode: all nine services in one process on SQLite, the in-process bus and local
files, behind the gateway on one port. Same code as the distribution; only the wiring differs."""

from __future__ import annotations

import importlib
import json
import os
import secrets
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from fastapi import FastAPI
from starlette.types import ASGIApp

from skillcert.auth import SigningKey, TokenVerifier, jwks_static
from skillcert.bus.base import RetryPolicy
from skillcert.bus.embedded import EmbeddedBus
from skillcert.crypto import new_key
from skillcert.service import NO_NATIVE_TELEMETRY, SharedInfra
from skillcert.settings import Profile
from skillcert.storage import LocalObjectStore, local_objects_app

#: service name → (python module, env prefix)
SERVICES: dict[str, tuple[str, str]] = {
    "registration": ("registration", "REGISTRATION_"),
    "review": ("review", "REVIEW_"),
    "exam-scheduling": ("exam_scheduling", "EXAM_SCHEDULING_"),
    "payment": ("payment", "PAYMENT_"),
    "scoring": ("scoring", "SCORING_"),
    "certificate": ("certificate", "CERTIFICATE_"),
    "notification": ("notification", "NOTIFICATION_"),
    "institution": ("institution", "INSTITUTION_"),
}


@dataclass
class EmbeddedConfig:
    data_dir: Path = Path("var/embedded")
    host: str = "127.0.0.1"
    port: int = 8000
    demo_password: str | None = None
    #: set when this start created the demo password (so it is printed once)
    demo_password_is_new: bool = False
    retry_delays_ms: tuple[int, ...] = (1000, 5000, 30000)
    #: production unless a developer says otherwise (`make run` does: skillcert_devtools.run)
    profile: Profile = Profile.PROD
    #: more settings for the services, e.g. payment's provider (``PAYMENT_*``)
    environment: dict[str, str] = field(default_factory=dict)

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"


def _secret(path: Path, make: bytes) -> bytes:
    """A value generated once and kept in the data folder, so restarts keep sessions valid."""
    if path.exists():
        return path.read_bytes()
    path.write_bytes(make)
    path.chmod(0o600)
    return make


def _configure_environment(
    config: EmbeddedConfig, key: SigningKey, storage_secret: str, sms_code_secret: str
) -> None:
    data = config.data_dir.resolve()
    env = {
        "SKILLCERT_PROFILE": config.profile.value,
        "SKILLCERT_BUS": "embedded",
        "SKILLCERT_STORAGE": "local",
        "SKILLCERT_LOCAL_STORAGE_DIR": str(data / "objects"),
        "SKILLCERT_LOCAL_STORAGE_BASE_URL": f"{config.base_url}/_objects",
        "SKILLCERT_S3_SECRET_KEY": storage_secret,
        "SKILLCERT_PUBLIC_BASE_URL": config.base_url,
        "SKILLCERT_JWKS_URL": f"{config.base_url}/.well-known/jwks.json",
        "SKILLCERT_LOG_JSON": "false",
        "GATEWAY_JWT_PRIVATE_KEY_PEM": key.to_pem().decode(),
        "GATEWAY_JWT_KEY_ID": key.kid,
        "GATEWAY_SMS_CODE_SECRET": sms_code_secret,
        "GATEWAY_UPSTREAMS": json.dumps({s: f"http://{s}.embedded" for s in SERVICES}),
        "GATEWAY_DATABASE_URL": f"sqlite+aiosqlite:///{data / 'gateway.db'}",
    }
    if config.demo_password:
        env["GATEWAY_DEMO_PASSWORD"] = config.demo_password
    for service, (_, prefix) in SERVICES.items():
        env[f"{prefix}DATABASE_URL"] = f"sqlite+aiosqlite:///{data / (service + '.db')}"
    configured = {**os.environ, **config.environment}
    if "SKILLCERT_PII_KEYS" not in configured and "SKILLCERT_PII_KEYS_FILE" not in configured:
        # Generated once like the other secrets. Kept beside the databases it protects less
        # than it could: point SKILLCERT_PII_KEYS_FILE elsewhere (docs/security.md).
        env["SKILLCERT_PII_KEYS_FILE"] = str(_pii_keys_file(data))
    env.update(config.environment)
    os.environ.update(env)


def _pii_keys_file(data: Path) -> Path:
    path = data / "pii-keys.json"
    _secret(
        path,
        json.dumps(
            {"keys": {"embedded-1": new_key()}, "active": "embedded-1", "index_key": new_key()}
        ).encode(),
    )
    return path


def create_embedded_app(
    config: EmbeddedConfig | None = None,
    mounts: Mapping[str, Callable[[TokenVerifier], ASGIApp]] | None = None,
) -> FastAPI:
    """The platform on one port. ``mounts`` puts more apps beside the gateway (development
    tools such as the WeChat Pay simulator), each built with the platform's token verifier."""
    config = config or EmbeddedConfig()
    config.data_dir.mkdir(parents=True, exist_ok=True)
    key_pem = _secret(config.data_dir / "jwt-signing-key.pem", SigningKey.generate().to_pem())
    key = SigningKey.from_pem(key_pem, kid="embedded")
    storage_secret = _secret(
        config.data_dir / "storage-secret", secrets.token_hex(32).encode()
    ).decode()
    sms_code_secret = _secret(
        config.data_dir / "sms-code-secret", secrets.token_hex(32).encode()
    ).decode()
    if config.demo_password is None and config.profile is Profile.DEV:
        password_file = config.data_dir / "demo-password"
        config.demo_password_is_new = not password_file.exists()
        # Letters and a digit, as the account rules want of a password someone sets: the
        # demo's pilot institution gives its admin this password through the API.
        config.demo_password = _secret(
            password_file, f"Demo-{secrets.token_urlsafe(9)}{secrets.randbelow(10)}".encode()
        ).decode()
    _configure_environment(config, key, storage_secret, sms_code_secret)
    # The admission tickets' QR signing key (exam-scheduling), kept like the JWT key.
    os.environ.setdefault(
        "EXAM_SCHEDULING_TICKET_SIGNING_KEY_PEM",
        _secret(
            config.data_dir / "ticket-signing-key.pem", SigningKey.generate().to_pem()
        ).decode(),
    )

    bus = EmbeddedBus(
        config.data_dir / "bus.db", RetryPolicy(config.retry_delays_ms), poll_interval_s=0.2
    )
    storage = LocalObjectStore(
        config.data_dir / "objects", f"{config.base_url}/_objects", storage_secret.encode()
    )
    verifier = TokenVerifier(
        jwks_static({"keys": [key.public_jwk()]}), "skillcert-gateway", "skillcert"
    )
    shared = SharedInfra(bus=bus, storage=storage, verifier=verifier)

    service_apps: dict[str, FastAPI] = {}
    for service, (module, _) in SERVICES.items():
        main = importlib.import_module(f"{module}.main")
        service_apps[service] = main.create_app(shared)
    gateway_main = importlib.import_module("gateway.main")
    gateway = gateway_main.create_app(
        shared,
        upstream_transports={s: httpx.ASGITransport(app=a) for s, a in service_apps.items()},
    )

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await bus.connect()
        await storage.ensure_bucket()
        async with AsyncExitStack() as stack:
            for app in [*service_apps.values(), gateway]:
                await stack.enter_async_context(app.router.lifespan_context(app))
            yield
        await bus.close()

    app = FastAPI(
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        telemetry=NO_NATIVE_TELEMETRY,
    )
    app.mount("/_objects", local_objects_app(storage, telemetry=NO_NATIVE_TELEMETRY))
    for path, build in (mounts or {}).items():
        app.mount(path, build(verifier))
    app.mount("/", gateway)
    app.state.bus = bus
    app.state.storage = storage
    app.state.service_apps = service_apps
    app.state.gateway = gateway
    return app
