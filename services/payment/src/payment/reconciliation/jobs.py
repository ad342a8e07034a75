"""The daily reconciliation job: at the configured Beijing time, yesterday's bill."""

from __future__ import annotations

import asyncio
import logging
from datetime import date

from sqlalchemy.exc import IntegrityError

from payment.config import PaymentSettings
from payment.reconciliation.models import ReconciliationRun
from payment.reconciliation.repository import ReconciliationRepository
from payment.reconciliation.rules import RunStatus, RunTrigger, next_run_at, yesterday
from payment.reconciliation.service import ReconciliationService
from payment.wechat import wechatpay_of
from skillcert.clock import utcnow
from skillcert.db import transaction
from skillcert.service import ServiceContext

log = logging.getLogger("payment.reconciliation.jobs")


async def reconcile_day(ctx: ServiceContext, bill_date: date) -> ReconciliationRun | None:
    """The scheduled run of one bill date; None when it already succeeded (another replica,
    or an earlier pass). A failed run is kept and the date is tried again next time."""
    try:
        async with transaction(ctx.sessionmaker) as session:
            if await ReconciliationRepository(session).scheduled_done(bill_date):
                return None
            service = ReconciliationService(session, wechatpay_of(ctx))
            run = await service.run(bill_date, RunTrigger.SCHEDULED, utcnow())
    except IntegrityError:
        # Another replica finished the same date first; its settlements stand, ours rolled back.
        log.info("reconciliation of %s done by another worker", bill_date)
        return None
    return run


async def reconciliation_loop(ctx: ServiceContext) -> None:
    settings = ctx.settings
    assert isinstance(settings, PaymentSettings)
    while True:
        at = utcnow()
        wake = next_run_at(at, settings.reconciliation_time)
        await asyncio.sleep((wake - at).total_seconds())
        bill_date = yesterday(wake)
        run = await reconcile_day(ctx, bill_date)
        # The bill may not be ready yet or the provider may be down: try again a few times.
        for _ in range(settings.reconciliation_retries):
            if run is None or run.status != RunStatus.FAILED:
                break
            await asyncio.sleep(settings.reconciliation_retry_interval.total_seconds())
            run = await reconcile_day(ctx, bill_date)
