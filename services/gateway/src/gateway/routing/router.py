"""The reverse proxy to the services, the merged OpenAPI document and Swagger UI. None of
these touch the gateway's database: plain routers, no transaction."""

from __future__ import annotations

import logging
from typing import Any

import httpx
from fastapi import APIRouter, Request, Response
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, StreamingResponse
from opentelemetry import propagate
from starlette.background import BackgroundTask

from gateway.context import context
from gateway.ratelimits.limiter import check_proxied, peer_ip, peer_is_trusted_proxy
from gateway.routing.rules import (
    forwarded_for,
    forwarded_request_headers,
    merge_openapi,
    returned_response_headers,
)
from gateway.routing.upstreams import Upstreams
from skillcert.context import correlation_id
from skillcert.errors import AppError, NotFound, ServiceUnavailable

log = logging.getLogger("gateway.routing")

PROXIED_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]

router = APIRouter()
proxy_router = APIRouter()


class BadGateway(AppError):
    status_code = 502
    slug = "bad-gateway"
    title = "上游服务出错"


class GatewayTimeout(AppError):
    status_code = 504
    slug = "gateway-timeout"
    title = "上游服务响应超时"


def upstreams_of(request: Request) -> Upstreams:
    return context(request).resources.upstreams


@router.get("/docs", include_in_schema=False)
async def docs() -> HTMLResponse:
    return get_swagger_ui_html(openapi_url="/api/v1/openapi.json", title="skillcert API")


@router.get("/api/v1/openapi.json", include_in_schema=False)
async def merged_openapi(request: Request) -> JSONResponse:
    """The whole platform's API: the gateway's own plus every service's document."""
    settings = context(request).settings
    upstreams = upstreams_of(request)
    merged = upstreams.cached_merge(settings.openapi_cache_s)
    if merged is None:
        own: dict[str, Any] = request.app.openapi()
        merged = merge_openapi(own, await upstreams.openapi_documents())
        upstreams.remember_merge(merged)
    return JSONResponse(merged)


@proxy_router.api_route(
    "/api/v1/{service}/{path:path}", methods=PROXIED_METHODS, include_in_schema=False
)
async def proxy(service: str, path: str, request: Request) -> Response:
    """Forward the request to `service` unchanged: method, path, query, the raw body bytes
    (webhook signatures are computed over them) and the allowed headers."""
    client = upstreams_of(request).client(service)
    if client is None:
        raise NotFound("请求的接口不存在")
    body = await request.body()
    check_proxied(request, service, path, body)
    headers = forwarded_request_headers(request.scope["headers"])
    headers.append(
        (
            "x-forwarded-for",
            forwarded_for(
                ", ".join(request.headers.getlist("x-forwarded-for")),
                peer_ip(request),
                peer_is_trusted_proxy(request),
            ),
        )
    )
    headers.append(("x-forwarded-proto", request.url.scheme))
    if host := request.headers.get("host"):
        headers.append(("x-forwarded-host", host))
    # The gateway's own ids win: the correlation id it echoes to the caller and its span as
    # the parent of the upstream's.
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    if cid := correlation_id.get():
        carrier["x-correlation-id"] = cid
    headers = [(k, v) for k, v in headers if k not in carrier] + list(carrier.items())

    raw_path = request.scope.get("raw_path") or request.url.path.encode()
    query = request.scope.get("query_string", b"")
    url = raw_path.decode("latin-1") + (f"?{query.decode('latin-1')}" if query else "")
    upstream_request = client.build_request(request.method, url, content=body, headers=headers)
    try:
        upstream = await client.send(upstream_request, stream=True)
    except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
        log.warning("upstream %s unreachable: %r", service, exc)
        raise ServiceUnavailable("服务暂不可用，请稍后再试", headers={"Retry-After": "5"}) from exc
    except httpx.TimeoutException as exc:
        log.warning("upstream %s timed out: %r", service, exc)
        raise GatewayTimeout("服务响应超时，请稍后再试") from exc
    except httpx.HTTPError as exc:
        log.warning("upstream %s failed: %r", service, exc)
        raise BadGateway("服务出错，请稍后再试") from exc

    response = StreamingResponse(
        upstream.aiter_raw(),
        status_code=upstream.status_code,
        background=BackgroundTask(upstream.aclose),
    )
    response.raw_headers = returned_response_headers(upstream.headers.raw)
    return response
