"""The mail-in job: approved applications of plans that want the paper forms by post, still
without them when the deadline has passed, are forfeited (seed 004)."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from registration.applications.history import move
from registration.applications.models import Application
from registration.applications.repository import ApplicationRepository
from registration.applications.rules import Action
from registration.context import Context
from skillcert import outbox
from skillcert.clock import utcnow
from skillcert.db import transaction
from skillcert.events import ApplicationForfeited
from skillcert.jobs import PeriodicJob

log = logging.getLogger("registration.applications.jobs")

FORFEIT_REASON = "未在截止时间前邮寄纸质申报材料，视为放弃考试资格"


async def forfeit_batch(session: AsyncSession, at: datetime, limit: int) -> list[Application]:
    """Approved or paid applications whose paper forms missed the deadline give up their
    place (seed 004: 逾期未完成邮寄的，将视为放弃考试资格)."""
    repo = ApplicationRepository(session)
    overdue = await repo.overdue_mail_in(at, limit)
    for application in overdue:
        move(repo, application, Action.FORFEIT, note=FORFEIT_REASON)
        await outbox.record(
            session,
            ApplicationForfeited(
                application_id=application.id,
                candidate_id=application.candidate_id,
                plan_id=application.plan_id,
                reason=FORFEIT_REASON,
            ),
        )
    await session.flush()
    return overdue


async def forfeit_overdue(ctx: Context, at: datetime) -> int:
    """One pass, a batch per transaction until none is left; returns how many were forfeited.
    Rows are claimed with SKIP LOCKED, so replicas running the job never forfeit one twice."""
    settings = ctx.settings
    total, batch_was_full = 0, True
    while batch_was_full:
        async with transaction(ctx.sessionmaker) as session:
            done = await forfeit_batch(session, at, settings.forfeit_batch)
        total += len(done)
        for application in done:
            log.info("application %s forfeited: paper forms not received", application.id)
        batch_was_full = len(done) == settings.forfeit_batch
    return total


async def _forfeit_now(ctx: Context) -> int:
    return await forfeit_overdue(ctx, utcnow())


FORFEIT_JOB = PeriodicJob[Context](
    "forfeit-overdue", _forfeit_now, wait=lambda ctx: ctx.settings.forfeit_interval_s
)
