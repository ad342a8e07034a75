"""The daily reconciliation job: at the configured Beijing time, yesterday's bill."""

from __future__ import annotations

import asyncio
import logging
from datetime import date, timedelta

from sqlalchemy.exc import IntegrityError

from payment.context import Context
from payment.reconciliation.models import ReconciliationRun
from payment.reconciliation.repository import ReconciliationRepository
from payment.reconciliation.rules import RunStatus, RunTrigger, next_run_at, yesterday
from payment.reconciliation.service import ReconciliationService
from skillcert.clock import utcnow
from skillcert.db import transaction
from skillcert.jobs import PeriodicJob

log = logging.getLogger("payment.reconciliation.jobs")


async def reconcile_day(ctx: Context, bill_date: date) -> ReconciliationRun | None:
    """The scheduled run of one bill date; None when it already succeeded (another replica,
    or an earlier pass). A failed run is kept and the date is tried again next time."""
    try:
        async with transaction(ctx.sessionmaker) as session:
            if await ReconciliationRepository(session).scheduled_done(bill_date):
                return None
            service = ReconciliationService(session, ctx.resources.wechatpay)
            run = await service.run(bill_date, RunTrigger.SCHEDULED, utcnow())
    except IntegrityError:
        # Another replica finished the same date first; its settlements stand, ours rolled back.
        log.info("reconciliation of %s done by another worker", bill_date)
        return None
    return run


async def reconcile_yesterday(ctx: Context) -> ReconciliationRun | None:
    """The daily pass: yesterday's bill (Beijing), tried again a few times when the bill is not
    ready yet or the provider is down."""
    settings = ctx.settings
    # A sleep may end a moment before the hour it aimed at: the minute keeps it the same day.
    bill_date = yesterday(utcnow() + timedelta(minutes=1))
    run = await reconcile_day(ctx, bill_date)
    for _ in range(settings.reconciliation_retries):
        if run is None or run.status != RunStatus.FAILED:
            break
        await asyncio.sleep(settings.reconciliation_retry_interval.total_seconds())
        run = await reconcile_day(ctx, bill_date)
    return run


def _until_next_run(ctx: Context) -> float:
    at = utcnow()
    return (next_run_at(at, ctx.settings.reconciliation_time) - at).total_seconds()


RECONCILIATION_JOB = PeriodicJob[Context](
    "reconciliation", reconcile_yesterday, wait=_until_next_run, run_at_start=False
)
