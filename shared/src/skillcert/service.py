"""Service defaults: one call wires every service the same way — settings, database, outbox
relay, bus subscriptions, object storage, token verification, telemetry, errors, health."""

from __future__ import annotations

import asyncio
import gc
import logging
import secrets
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, cast

from fastapi import APIRouter, FastAPI, Request
from fastapi.telemetry import TelemetryConfig
from sqlalchemy import MetaData
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from starlette.middleware import Middleware
from typing_extensions import TypeVar

from skillcert import crypto
from skillcert.auth import TokenVerifier, jwks_from_url
from skillcert.bus.base import MessageBus, RetryPolicy
from skillcert.bus.embedded import EmbeddedBus
from skillcert.bus.rabbit import RabbitBus
from skillcert.db import create_engine, create_sessionmaker
from skillcert.deadletters import dead_letters_router
from skillcert.errors import install_error_handlers
from skillcert.events import Event
from skillcert.http import CorrelationIdMiddleware, health_router
from skillcert.inbox import EventConsumer, EventHandler
from skillcert.jobs import JobRunner, PeriodicJob
from skillcert.migrations import upgrade_async
from skillcert.openapi import declare_shared_responses
from skillcert.outbox import WAKE_KEY, OutboxRelay
from skillcert.settings import BusKind, ServiceSettings, StorageKind
from skillcert.storage import LocalObjectStore, ObjectStore, S3ObjectStore
from skillcert.telemetry import (
    configure_logging,
    configure_tracing,
    instrument_app,
    instrument_sqlalchemy,
)

log = logging.getLogger("skillcert.service")

S = TypeVar("S", bound=ServiceSettings)
#: What a service builds at startup and releases at shutdown (clients, keys, pools); None for
#: the services that own nothing beyond what every service gets.
R = TypeVar("R", default=None)

CTX_KEY = "skillcert.service_context"


@dataclass
class ServiceSpec(Generic[S, R]):
    """What makes a service itself; everything else is the same for all eight.

    `lifespan(ctx)` is the service's own startup and shutdown, written together as one async
    context manager: it builds what the service owns, seeds what must exist, yields the
    resources object (`ctx.resources` from then on) and releases it all after the yield. Jobs
    start once it has yielded and are stopped before it resumes."""

    name: str
    title: str
    settings: S
    metadata: MetaData
    migrations: Path
    routers: Sequence[APIRouter]
    handlers: Mapping[type[Event], EventHandler] = field(default_factory=dict)
    lifespan: Lifespan[S, R] | None = None
    jobs: Sequence[PeriodicJob[ServiceContext[S, R]]] = ()
    migrate_on_start: bool = True
    #: the service's own ASGI middleware, built from its final settings; it runs outside the
    #: framework's own (the first listed outermost), so it also sees every error response
    middleware: Callable[[S], Sequence[Middleware]] | None = None


@dataclass
class SharedInfra:
    """Pieces one process shares between services (embedded mode)."""

    bus: MessageBus | None = None
    storage: ObjectStore | None = None
    verifier: TokenVerifier | None = None


class _Unset:
    def __repr__(self) -> str:
        return "<not started>"


_UNSET = _Unset()


@dataclass
class ServiceContext(Generic[S, R]):
    """One running service: its settings (typed by the service's settings class), database,
    bus, storage, token verifier, and the resources its lifespan yielded."""

    spec: ServiceSpec[S, R]
    settings: S
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    bus: MessageBus
    storage: ObjectStore
    verifier: TokenVerifier
    relay: OutboxRelay
    consumer: EventConsumer
    _resources: R | _Unset = _UNSET

    @property
    def resources(self) -> R:
        if isinstance(self._resources, _Unset):
            raise RuntimeError(f"{self.spec.name}: resources are not built yet (still starting)")
        return self._resources


Lifespan = Callable[[ServiceContext[S, R]], AbstractAsyncContextManager[R]]


def context_of(source: Request | AsyncSession) -> ServiceContext[Any, Any]:
    """The running service's context, from a request or a framework-opened session (consumers,
    jobs). Untyped here: each service types it once in its own `context.py`."""
    if isinstance(source, AsyncSession):
        ctx: ServiceContext[Any, Any] = source.info[CTX_KEY]
    else:
        ctx = source.app.state.ctx
    return ctx


class ContextAccess(Generic[S, R]):
    """A service's typed way to its context: `context = ContextAccess[MySettings]()` once in
    `<service>/context.py`, then `context(request)` or `context(session)` anywhere, and
    `Annotated[..., Depends(context.of_request)]` in routes."""

    def __call__(self, source: Request | AsyncSession) -> ServiceContext[S, R]:
        return context_of(source)

    async def of_request(self, request: Request) -> ServiceContext[S, R]:
        return context_of(request)


def build_bus(settings: ServiceSettings) -> MessageBus:
    retry = RetryPolicy(tuple(settings.retry_delays_ms))
    if settings.bus is BusKind.EMBEDDED:
        return EmbeddedBus(retry=retry)
    return RabbitBus(settings.amqp_url, settings.exchange, retry)


def build_storage(settings: ServiceSettings) -> ObjectStore:
    if settings.storage is StorageKind.LOCAL:
        return LocalObjectStore(
            settings.local_storage_dir,
            settings.local_storage_base_url,
            secret=(settings.s3_secret_key or secrets.token_hex(16)).encode(),
        )
    return S3ObjectStore(
        settings.s3_endpoint,
        settings.s3_access_key,
        settings.s3_secret_key,
        settings.s3_bucket,
        secure=settings.s3_secure,
        region=settings.s3_region,
        public_endpoint=settings.s3_public_endpoint,
        sse=settings.s3_sse,
    )


async def _connect_with_retry(bus: MessageBus, attempts: int = 30) -> None:
    for attempt in range(1, attempts + 1):
        try:
            await bus.connect()
            return
        except Exception as exc:
            if attempt == attempts:
                raise
            log.warning("broker not reachable (%r), retrying", exc)
            await asyncio.sleep(1)


#: FastAPI's own OpenTelemetry layer switches itself on whenever a tracer provider is
#: installed, which we always do (ids in logs): it traced every dependency and serialisation
#: step and recorded metrics even with nothing exported. Requests are traced by the OTel
#: FastAPI instrumentation instead, and only when spans are exported (`instrument_app`).
NO_NATIVE_TELEMETRY: TelemetryConfig = {
    "tracing": False,
    "metrics": False,
    "logs": False,
    "operation_spans": False,
}


def _settle_garbage_collector(young_threshold: int) -> None:
    """What a service built at startup (models, schemas, routes, metadata) lives as long as the
    process: frozen out of the collector's way, a full collection took ~35 ms instead of
    ~160 ms, a pause every request in flight waits out. A larger young generation collects
    far less often; together they took registration's collector time under a submit burst
    from about 13 % of its CPU to under 1 % (docs/benchmarks.md)."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(young_threshold, middle, old)


def create_service_app(spec: ServiceSpec[S, R], shared: SharedInfra | None = None) -> FastAPI:
    settings = spec.settings
    shared = shared or SharedInfra()
    # Before anything reads or writes a row: without its keys (prod) the service must not start.
    crypto.configure(crypto.keyring_from_settings(settings))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_tracing(f"skillcert-{spec.name}", settings.otlp_endpoint)
        if spec.migrate_on_start and settings.migrate_on_start:
            await upgrade_async(settings.database_url, spec.migrations)
        instrument_sqlalchemy()
        engine = create_engine(settings.database_url, pool_size=settings.database_pool_size)
        sessionmaker = create_sessionmaker(engine)
        owns_bus = shared.bus is None
        bus = shared.bus or build_bus(settings)
        if owns_bus:
            await _connect_with_retry(bus)
        storage = shared.storage or build_storage(settings)
        if shared.storage is None:
            await storage.ensure_bucket()
        verifier = shared.verifier or TokenVerifier(
            jwks_from_url(settings.jwks_url), settings.jwt_issuer, settings.jwt_audience
        )
        # The relay's own connection: from the requests' pool it queued behind every waiting
        # request, so under load events left for the broker seconds after their commit.
        relay_engine = create_engine(settings.database_url, pool_size=1)
        relay = OutboxRelay(
            create_sessionmaker(relay_engine),
            bus,
            poll_interval_s=settings.outbox_poll_interval_s,
            linger_s=settings.outbox_linger_s,
        )
        sessionmaker.configure(info={WAKE_KEY: relay.wake})
        consumer = EventConsumer(spec.name, sessionmaker, spec.handlers)
        ctx: ServiceContext[S, R] = ServiceContext(
            spec=spec,
            settings=settings,
            engine=engine,
            sessionmaker=sessionmaker,
            bus=bus,
            storage=storage,
            verifier=verifier,
            relay=relay,
            consumer=consumer,
        )
        sessionmaker.configure(info={WAKE_KEY: relay.wake, CTX_KEY: ctx})
        app.state.ctx = ctx
        async with AsyncExitStack() as stack:
            stack.push_async_callback(
                _close_infra, relay, bus if owns_bus else None, relay_engine, engine
            )
            if spec.lifespan is not None:
                ctx._resources = await stack.enter_async_context(spec.lifespan(ctx))
            else:
                ctx._resources = cast(R, None)
            relay.start()
            if consumer.routing_keys:
                await bus.subscribe(consumer.subscription(concurrency=settings.prefetch))
                # Before the engines go (the stack unwinds in reverse): an embedded bus is
                # shared and outlives this service, its handlers must not outlive the engine.
                stack.push_async_callback(bus.unsubscribe, spec.name)
            jobs = JobRunner(spec.jobs, ctx, prefix=f"{spec.name}:")
            jobs.start()
            stack.push_async_callback(jobs.stop)
            _settle_garbage_collector(settings.gc_young_threshold)
            log.info("%s started", spec.name)
            yield

    app = FastAPI(
        title=f"skillcert {spec.title}",
        version="1.0.0",
        lifespan=lifespan,
        openapi_url=f"/api/v1/{spec.name}/openapi.json",
        docs_url=f"/api/v1/{spec.name}/docs",
        redoc_url=None,
        telemetry=NO_NATIVE_TELEMETRY,
    )
    install_error_handlers(app)
    app.add_middleware(CorrelationIdMiddleware)
    for own in reversed(spec.middleware(settings) if spec.middleware else []):
        app.add_middleware(own.cls, *own.args, **own.kwargs)
    app.include_router(health_router())
    if spec.handlers:
        # Only a consuming service has a queue, and so dead letters, of its own.
        app.include_router(dead_letters_router(spec.name))
    for router in spec.routers:
        app.include_router(router)
    declare_shared_responses(app)
    instrument_app(app, settings.otlp_endpoint)
    return app


async def _close_infra(relay: OutboxRelay, bus: MessageBus | None, *engines: AsyncEngine) -> None:
    await relay.stop()
    if bus is not None:
        await bus.close()
    for engine in engines:
        await engine.dispose()


def run(
    spec_factory: Callable[[], ServiceSpec[Any, Any]], host: str = "127.0.0.1", port: int = 8000
) -> None:
    import uvicorn

    from skillcert.serving import server_config

    spec = spec_factory()
    configure_logging(spec.name, spec.settings.log_level, spec.settings.log_json)
    uvicorn.Server(server_config(create_service_app(spec), host, port)).run()
