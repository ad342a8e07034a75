from collections.abc import AsyncIterator
from functools import partial

import httpx
import pytest
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from pydantic import BaseModel, SecretStr

from gateway.main import build_spec, seed_demo
from gateway.ratelimits.limiter import RateLimiter
from skillcert.telemetry import configure_tracing
from skillcert.testing import ServiceHarness

# Spans exported (to memory), as with an OTLP endpoint configured: the gateway's span then
# becomes the parent of the upstream's. Without an exporter nothing is instrumented and the
# caller's traceparent passes through unchanged.
configure_tracing("skillcert-gateway-tests", exporter=InMemorySpanExporter(), batch=False)

DEMO_PASSWORD = "Demo12345"
ALLOWED_ORIGIN = "https://app.skillcert.test"
DOWN_URL = "http://127.0.0.1:9"  # nothing listens on the discard port


def upstream_app(service: str, order_fields: dict[str, type]) -> FastAPI:
    """A stand-in service: echoes what reached it and publishes a small OpenAPI document."""
    app = FastAPI(openapi_url=f"/api/v1/{service}/openapi.json")
    order_model = type("Order", (BaseModel,), {"__annotations__": order_fields})

    @app.post(f"/api/v1/{service}/orders", response_model=order_model)
    async def create_order(limit: int = 10) -> dict[str, object]:
        return {}

    @app.get(f"/api/v1/{service}/public-document", include_in_schema=False)
    async def public_document() -> Response:
        # Like certificate's status lists: readable from any origin, by the service's choice.
        return JSONResponse({}, headers={"Access-Control-Allow-Origin": "*", "ETag": '"v1"'})

    @app.post(f"/api/v1/{service}/verify", include_in_schema=False)
    async def verify() -> dict[str, object]:
        return {"valid": False}

    @app.api_route(
        f"/api/v1/{service}/echo/{{rest:path}}",
        methods=["GET", "POST", "PUT", "DELETE"],
        include_in_schema=False,
    )
    async def echo(rest: str, request: Request) -> Response:
        body = await request.body()
        response = JSONResponse(
            {
                "service": service,
                "method": request.method,
                "raw_path": request.scope["raw_path"].decode(),
                "query": request.scope["query_string"].decode(),
                "body_hex": body.hex(),
                "headers": [[k.decode(), v.decode()] for k, v in request.scope["headers"]],
            },
            status_code=201 if request.method == "POST" else 200,
        )
        response.headers.append("set-cookie", "a=1")
        response.headers.append("set-cookie", "b=2")
        response.headers["x-upstream"] = service
        return response

    return app


@pytest.fixture(scope="session")
async def harness() -> AsyncIterator[ServiceHarness]:
    transports: dict[str, httpx.AsyncBaseTransport] = {
        "payment": httpx.ASGITransport(app=upstream_app("payment", {"order_id": str})),
        "registration": httpx.ASGITransport(
            app=upstream_app("registration", {"application_id": str, "fee_fen": int})
        ),
        "certificate": httpx.ASGITransport(app=upstream_app("certificate", {"number": str})),
    }
    h = ServiceHarness(partial(build_spec, upstream_transports=transports))
    key = h.tokens.issuer.key
    # The gateway signs with the harness's key, so harness.headers(...) tokens verify too.
    h.settings_overrides.update(
        jwt_private_key_pem=SecretStr(key.to_pem().decode()),
        jwt_key_id=key.kid,
        argon2_time_cost=1,
        argon2_memory_kib=1024,
        argon2_parallelism=1,
        demo_password=SecretStr(DEMO_PASSWORD),
        # The test profile has no demo staff unless a test run switches them on.
        seed_demo=True,
        cors_allowed_origins=[ALLOWED_ORIGIN],
        upstreams={
            "payment": "http://payment.test",
            "registration": "http://registration.test",
            "certificate": "http://certificate.test",
            "scoring": DOWN_URL,
        },
    )
    async with h:
        yield h


@pytest.fixture(autouse=True)
async def clean(harness: ServiceHarness) -> AsyncIterator[None]:
    await harness.reset()
    harness.ctx.resources.limiter = RateLimiter(harness.ctx.settings.rate_limits)
    harness.ctx.resources.upstreams.forget_merge()
    yield


@pytest.fixture
async def staff(harness: ServiceHarness) -> None:
    """The demo staff accounts (org.admin, org.reviewer, inst.admin, inst.head, …, ops)."""
    await seed_demo(harness.ctx)
