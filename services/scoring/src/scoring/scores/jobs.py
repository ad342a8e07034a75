"""The automatic lock (公示期满自动锁定): when a plan's 公示 window ends, its scores lock for good
and every candidate's certificate result is determined (seed 003 §2.2.10: 若超过公示期没异议，
则成绩会永久锁定)."""

from __future__ import annotations

import logging
from datetime import datetime

from scoring.context import Context
from scoring.scores.repository import ScoreRepository
from scoring.scores.service import ScoringService
from skillcert.clock import utcnow
from skillcert.db import transaction
from skillcert.jobs import PeriodicJob

log = logging.getLogger("scoring.scores.jobs")

BATCH = 100


async def lock_ended_publicity(ctx: Context, at: datetime) -> int:
    """One pass: each due plan locked in its own transaction, so one plan that fails does not
    hold back the others; returns how many were locked. Running it again changes nothing."""
    async with transaction(ctx.sessionmaker) as session:
        due = await ScoreRepository(session).due_for_lock(at, BATCH)
    locked = 0
    for plan_id in due:
        try:
            async with transaction(ctx.sessionmaker) as session:
                if await ScoringService(session).lock_when_due(plan_id, at) is not None:
                    locked += 1
        except Exception:
            log.exception("plan %s: automatic lock failed; the next pass tries again", plan_id)
    return locked


async def _lock_now(ctx: Context) -> int:
    return await lock_ended_publicity(ctx, utcnow())


LOCK_JOB = PeriodicJob[Context](
    "lock-ended-publicity", _lock_now, wait=lambda ctx: ctx.settings.lock_interval_s
)
