"""Closing sessions by themselves: a room's session still open some time after it ended is
closed and its absentees (缺考) published, so scoring hears of them whether or not the
invigilator pressed 结束场次."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from exam_scheduling.checkin.repository import CheckInRepository
from exam_scheduling.checkin.rules import AUTO_CLOSE_AFTER
from exam_scheduling.checkin.service import CheckInService
from exam_scheduling.context import Context
from exam_scheduling.invigilation.repository import InvigilationRepository
from exam_scheduling.invigilation.schemas import sessions_out
from skillcert.clock import utcnow
from skillcert.db import transaction
from skillcert.jobs import PeriodicJob

log = logging.getLogger("exam_scheduling.checkin.jobs")

#: Sessions that ended longer ago than this are left alone (closed long since, or never to be).
LOOK_BACK = timedelta(days=14)


async def close_ended_sessions(ctx: Context, at: datetime) -> int:
    """One pass: each open room session due for closing is closed in its own transaction, so
    one that fails holds back no other; returns how many were closed. Idempotent."""
    async with transaction(ctx.sessionmaker) as session:
        repo = CheckInRepository(session)
        pairs = await repo.ended_rooms(at - AUTO_CLOSE_AFTER, at - LOOK_BACK)
        closed = await repo.closed_sessions({room for room, _ in pairs})
        plans = {
            p.id: p for p in await InvigilationRepository(session).plans({p for _, p in pairs})
        }
    done = 0
    for room_id, plan_id in pairs:
        for exam_session in sessions_out(plans[plan_id]):
            if (room_id, exam_session.session_id) in closed:
                continue
            try:
                async with transaction(ctx.sessionmaker) as session:
                    found = await InvigilationRepository(session).room(room_id)
                    if found is None:
                        continue
                    service = CheckInService(session, ctx.settings, ctx.storage)
                    if await service.close_room_session(found[0], exam_session, at, None):
                        done += 1
            except Exception:
                log.exception(
                    "room %s session %s: closing failed", room_id, exam_session.session_id
                )
    return done


async def _close_now(ctx: Context) -> int:
    return await close_ended_sessions(ctx, utcnow())


CLOSE_JOB = PeriodicJob[Context](
    "close-ended-sessions", _close_now, wait=lambda ctx: ctx.settings.session_close_interval_s
)
