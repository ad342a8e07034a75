"""The mail-in job: approved applications of plans that want the paper forms by post, still
without them when the deadline has passed, are forfeited (seed 004)."""

from __future__ import annotations

import logging
from datetime import datetime

from registration.applications.service import ApplicationService, now
from registration.context import Context
from skillcert.db import transaction
from skillcert.jobs import PeriodicJob

log = logging.getLogger("registration.applications.jobs")


async def forfeit_overdue(ctx: Context, at: datetime) -> int:
    """One pass, a batch per transaction until none is left; returns how many were forfeited.
    Rows are claimed with SKIP LOCKED, so replicas running the job never forfeit one twice."""
    settings = ctx.settings
    total, batch_was_full = 0, True
    while batch_was_full:
        async with transaction(ctx.sessionmaker) as session:
            done = await ApplicationService(session, settings).forfeit_overdue(
                at, settings.forfeit_batch
            )
        total += len(done)
        for application in done:
            log.info("application %s forfeited: paper forms not received", application.id)
        batch_was_full = len(done) == settings.forfeit_batch
    return total


async def _forfeit_now(ctx: Context) -> int:
    return await forfeit_overdue(ctx, now())


FORFEIT_JOB = PeriodicJob[Context](
    "forfeit-overdue", _forfeit_now, wait=lambda ctx: ctx.settings.forfeit_interval_s
)
