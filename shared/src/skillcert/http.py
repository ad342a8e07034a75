"""HTTP plumbing every service shares: the transaction-owning route class (with Idempotency-Key
support), correlation ids and health endpoints. Cursor pagination is `skillcert.paging`."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from sqlalchemy import select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from skillcert import context
from skillcert.db import advisory_lock
from skillcert.errors import AppError, InvalidInput
from skillcert.messaging import idempotency_table

IDEMPOTENCY_HEADER = "Idempotency-Key"


class IdempotencyKeyReused(AppError):
    status_code = 422
    slug = "idempotency-key-reused"
    title = "Idempotency-Key 已用于另一个请求"


async def _principal_scope(request: Request) -> str:
    """Idempotency keys are scoped per caller so two users cannot collide."""
    authorization = request.headers.get("authorization", "")
    if authorization.lower().startswith("bearer "):
        principal = await request.app.state.ctx.verifier.verify(authorization[7:].strip())
        request.state.principal = principal
        return str(principal.account_id)
    # Anonymous creates (account sign-up, webhooks) are scoped by the key alone.
    return "anonymous"


class TransactionalRoute(APIRoute):
    """Every request runs in one session that commits when the endpoint returns and rolls back
    when it raises; services only flush. A POST with an Idempotency-Key stores its response in
    the same transaction, so a retried request returns the first result, never a second record.
    """

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        original = super().get_route_handler()

        async def handler(request: Request) -> Response:
            sessionmaker = request.app.state.ctx.sessionmaker
            key = request.headers.get(IDEMPOTENCY_HEADER) if request.method == "POST" else None
            if key is not None and not (1 <= len(key) <= 200):
                raise InvalidInput("Idempotency-Key 长度应为 1 到 200 个字符")
            async with sessionmaker() as session:
                request.state.db_session = session
                scope = await _principal_scope(request) if key else ""
                body_hash = hashlib.sha256(await request.body()).hexdigest() if key else ""
                if key:
                    await _serialise_same_key(session, scope, key)
                    replay = await _stored_response(session, scope, key, request, body_hash)
                    if replay is not None:
                        return replay
                try:
                    response = await original(request)
                except BaseException:
                    await session.rollback()
                    raise
                if response.status_code >= 400:
                    await session.rollback()
                    return response
                if key and 200 <= response.status_code < 300 and hasattr(response, "body"):
                    await _store_response(session, scope, key, request, body_hash, response)
                try:
                    await session.commit()
                except Exception:
                    await session.rollback()
                    if key:
                        # A concurrent request with the same key won the race: answer with its
                        # result instead of a second record.
                        async with sessionmaker() as fresh:
                            replay = await _stored_response(fresh, scope, key, request, body_hash)
                        if replay is not None:
                            return replay
                    raise
                return response

        return handler


async def _serialise_same_key(session: AsyncSession, scope: str, key: str) -> None:
    """Concurrent retries of one request wait for the first to finish (then replay its result)
    instead of racing it into a unique-constraint error. SQLite has one writer anyway."""
    await advisory_lock(session, f"idempotency:{scope}:{key}")


async def _stored_response(
    session: AsyncSession, scope: str, key: str, request: Request, body_hash: str
) -> Response | None:
    row = (
        await session.execute(
            select(idempotency_table).where(
                idempotency_table.c.principal == scope, idempotency_table.c.key == key
            )
        )
    ).first()
    if row is None:
        return None
    stored_path, _, stored_hash = row.path.partition("#")
    if stored_path != request.url.path or stored_hash != body_hash:
        raise IdempotencyKeyReused("同一个 Idempotency-Key 不能用于不同的请求")
    return Response(
        content=row.response_body.encode(),
        status_code=row.status_code,
        media_type=row.media_type,
        headers={"Idempotent-Replayed": "true"},
    )


async def _store_response(
    session: AsyncSession,
    scope: str,
    key: str,
    request: Request,
    body_hash: str,
    response: Response,
) -> None:
    dialect = session.get_bind().dialect.name
    insert_fn: Any = pg_insert if dialect == "postgresql" else sqlite_insert
    body = bytes(response.body)
    await session.execute(
        insert_fn(idempotency_table).values(
            principal=scope,
            key=key,
            method=request.method,
            path=f"{request.url.path}#{body_hash}",
            status_code=response.status_code,
            response_body=body.decode(),
            media_type=response.media_type or "application/json",
            created_at=datetime.now(UTC),
        )
    )


async def get_session(request: Request) -> AsyncSession:
    session: AsyncSession | None = getattr(request.state, "db_session", None)
    if session is None:
        raise RuntimeError("route is not a TransactionalRoute: no session for this request")
    return session


DbSession = Annotated[AsyncSession, Depends(get_session)]


def service_router(prefix: str = "", **kwargs: Any) -> APIRouter:
    """An APIRouter whose routes own their transaction."""
    return APIRouter(prefix=prefix, route_class=TransactionalRoute, **kwargs)


class CorrelationIdMiddleware:
    """Takes X-Correlation-Id from the caller (or makes one) and echoes it in the response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = None
        for name, value in scope.get("headers", []):
            if name == b"x-correlation-id":
                incoming = value.decode("latin-1")[:100]
        cid = incoming or uuid.uuid4().hex
        token = context.correlation_id.set(cid)

        async def send_with_header(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"x-correlation-id", cid.encode("latin-1")))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_header)
        finally:
            context.correlation_id.reset(token)


# --- health -----------------------------------------------------------------------------------


def health_router() -> APIRouter:
    router = APIRouter(tags=["health"])

    @router.get("/livez", include_in_schema=False)
    async def livez() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/readyz", include_in_schema=False)
    async def readyz(request: Request) -> JSONResponse:
        ctx = request.app.state.ctx
        checks: dict[str, str] = {}
        try:
            async with ctx.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
            checks["database"] = "ok"
        except Exception as exc:
            checks["database"] = f"down: {type(exc).__name__}"
        checks["broker"] = "ok" if ctx.bus is not None and await ctx.bus.ping() else "down"
        ready = all(v == "ok" for v in checks.values())
        return JSONResponse(
            {"status": "ready" if ready else "not ready", "checks": checks},
            status_code=200 if ready else 503,
        )

    return router
