"""Dead letters over HTTP: every consuming service answers
`GET /api/v1/<service>/ops/dead-letters` and `POST /api/v1/<service>/ops/dead-letters/replay`
for the ops role, the same operations as `skillcert-ops dead-letters list|replay`."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from skillcert.access import Owner, access
from skillcert.auth import Principal, Role, require_roles
from skillcert.bus.base import BrokerUnavailable, DeadLetter, MessageBus
from skillcert.errors import ServiceUnavailable, problem_responses
from skillcert.pii import scrub

Ops = Annotated[Principal, Depends(require_roles(Role.OPS))]
MessageId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class DeadLetterOut(BaseModel):
    """A parked message; personal data in the error and the body is masked."""

    message_id: str
    type: str
    attempts: int
    error: str
    dead_at: datetime | None
    body: str

    @classmethod
    def of(cls, letter: DeadLetter) -> DeadLetterOut:
        return cls(
            message_id=letter.message_id,
            type=letter.routing_key,
            attempts=letter.attempts,
            error=scrub(letter.error),
            dead_at=letter.dead_at,
            body=scrub(letter.body.decode(errors="replace")),
        )


class DeadLetterList(BaseModel):
    service: str
    items: list[DeadLetterOut]
    #: more letters are parked than `limit` let through
    truncated: bool


class ReplayIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    #: the letters to replay; omitted or null replays every parked letter of the service
    message_ids: list[MessageId] | None = Field(default=None, min_length=1, max_length=500)


class ReplayOut(BaseModel):
    service: str
    replayed: int


def _bus(request: Request) -> MessageBus:
    bus: MessageBus = request.app.state.ctx.bus
    return bus


def _unavailable() -> ServiceUnavailable:
    return ServiceUnavailable("消息队列暂不可用，请稍后再试", headers={"Retry-After": "5"})


def dead_letters_router(service: str) -> APIRouter:
    """Plain routes (no database transaction): the broker is the only thing they touch."""
    router = APIRouter(prefix=f"/api/v1/{service}/ops", tags=[f"{service}: ops"])

    @router.get(
        "/dead-letters",
        response_model=DeadLetterList,
        responses=problem_responses(401, 403, 422, 503),
        **access(ops=Owner.ANY),
    )
    async def list_dead_letters(
        _: Ops, request: Request, limit: Annotated[int, Query(ge=1, le=500)] = 100
    ) -> DeadLetterList:
        """Messages this service could not handle after its retries, oldest first. Reading
        them leaves them parked."""
        try:
            letters = await _bus(request).dead_letters(service, limit + 1)
        except BrokerUnavailable as exc:
            raise _unavailable() from exc
        return DeadLetterList(
            service=service,
            items=[DeadLetterOut.of(letter) for letter in letters[:limit]],
            truncated=len(letters) > limit,
        )

    @router.post(
        "/dead-letters/replay",
        response_model=ReplayOut,
        responses=problem_responses(401, 403, 422, 503),
        **access(ops=Owner.ANY),
    )
    async def replay_dead_letters(_: Ops, request: Request, body: ReplayIn) -> ReplayOut:
        """Hand parked messages back to this service's queue with a fresh retry budget; the
        inbox drops any that had been handled after all."""
        try:
            replayed = await _bus(request).replay_dead_letters(service, body.message_ids)
        except BrokerUnavailable as exc:
            raise _unavailable() from exc
        return ReplayOut(service=service, replayed=replayed)

    return router
