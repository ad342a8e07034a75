"""The mail-in job: approved applications of plans that want the paper forms by post, still
without them when the deadline has passed, are forfeited (seed 004)."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

from registration.applications.service import ApplicationService
from registration.config import RegistrationSettings
from skillcert.clock import utcnow
from skillcert.db import transaction
from skillcert.service import ServiceContext

log = logging.getLogger("registration.applications.jobs")


async def forfeit_overdue(ctx: ServiceContext, at: datetime) -> int:
    """One pass, a batch per transaction until none is left; returns how many were forfeited.
    Rows are claimed with SKIP LOCKED, so replicas running the job never forfeit one twice."""
    settings = ctx.settings
    assert isinstance(settings, RegistrationSettings)
    total = 0
    while True:
        async with transaction(ctx.sessionmaker) as session:
            done = await ApplicationService(session, settings).forfeit_overdue(
                at, settings.forfeit_batch
            )
        total += len(done)
        for application in done:
            log.info("application %s forfeited: paper forms not received", application.id)
        if len(done) < settings.forfeit_batch:
            return total


async def forfeit_loop(ctx: ServiceContext) -> None:
    settings = ctx.settings
    assert isinstance(settings, RegistrationSettings)
    while True:
        await forfeit_overdue(ctx, utcnow())
        await asyncio.sleep(settings.forfeit_interval_s)
