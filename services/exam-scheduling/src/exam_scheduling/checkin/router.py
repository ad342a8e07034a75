from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import Depends

from exam_scheduling.checkin.schemas import (
    CheckInBatchIn,
    CheckInRecordOut,
    CheckInSyncOut,
    RoomCountOut,
    RosterOut,
    SessionClosureOut,
)
from exam_scheduling.checkin.service import CheckInService
from exam_scheduling.context import CurrentContext
from skillcert.access import Owner, access
from skillcert.auth import Principal, Role, require_roles
from skillcert.errors import problem_responses
from skillcert.http import DbSession, service_router

router = service_router("/api/v1/exam-scheduling", tags=["exam-scheduling: check-in"])

OnDuty = Annotated[Principal, Depends(require_roles(Role.INVIGILATOR, Role.INSPECTOR))]


def _service(session: DbSession, ctx: CurrentContext) -> CheckInService:
    return CheckInService(session, ctx.settings, ctx.storage)


Service = Annotated[CheckInService, Depends(_service)]
PATH = "/rooms/{room_id}/sessions/{session_id}"


@router.get(
    f"{PATH}/roster",
    response_model=RosterOut,
    responses=problem_responses(401, 403, 404),
    **access(invigilator=Owner.ASSIGNED, inspector=Owner.ASSIGNED),
)
async def roster(room_id: UUID, session_id: UUID, principal: OnDuty, service: Service) -> RosterOut:
    """考场名单: what the invigilator's device keeps for working offline: the candidates
    (ticket number, name, masked ID, photo link, seat, attendance so far) and the public keys
    that verify the tickets' QR codes."""
    return await service.roster(principal, room_id, session_id)


@router.post(
    f"{PATH}/check-ins",
    response_model=CheckInSyncOut,
    responses=problem_responses(401, 403, 404, 422),
    **access(invigilator=Owner.ASSIGNED, inspector=Owner.ASSIGNED),
)
async def sync_check_ins(
    room_id: UUID, session_id: UUID, batch: CheckInBatchIn, principal: OnDuty, service: Service
) -> CheckInSyncOut:
    """同步签到: a batch of marks made on the device. Idempotent on each record's id; a
    candidate marked more than once keeps the earliest check-in; a present mark wins over an
    absent one from another device; every record is kept (GET …/check-ins)."""
    return await service.sync(principal, room_id, session_id, batch)


@router.get(
    f"{PATH}/check-ins",
    response_model=list[CheckInRecordOut],
    responses=problem_responses(401, 403, 404),
    **access(invigilator=Owner.ASSIGNED, inspector=Owner.ASSIGNED),
)
async def check_in_history(
    room_id: UUID, session_id: UUID, principal: OnDuty, service: Service
) -> list[CheckInRecordOut]:
    """签到记录: every mark received for the room's session, in the order they were made."""
    return await service.history(principal, room_id, session_id)


@router.post(
    f"{PATH}/close",
    response_model=SessionClosureOut,
    responses=problem_responses(401, 403, 404, 409),
    **access(invigilator=Owner.ASSIGNED, inspector=Owner.ASSIGNED),
)
async def close_session(
    room_id: UUID, session_id: UUID, principal: OnDuty, service: Service
) -> SessionClosureOut:
    """结束场次: the room's invigilator closes the session; the candidates not checked in are
    recorded as absent (缺考) and scoring is told."""
    return await service.close(principal, room_id, session_id)


@router.get(
    "/check-ins/overview",
    response_model=list[RoomCountOut],
    responses=problem_responses(401, 403),
    **access(invigilator=Owner.ASSIGNED, inspector=Owner.ASSIGNED),
)
async def overview(principal: OnDuty, service: Service) -> list[RoomCountOut]:
    """应考/实考/缺考 of every room and session the caller is on duty in (巡考 view)."""
    return await service.overview(principal)
