"""The expiry job: pending orders past expiry are checked with the provider and settled (a
lost webhook) or closed and expired; orders close to expiry are asked about early."""

from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime

from payment.context import Context
from payment.orders.repository import OrderRepository
from payment.orders.service import CheckOutcome, OrderService
from skillcert.clock import utcnow
from skillcert.db import transaction
from skillcert.jobs import PeriodicJob

log = logging.getLogger("payment.orders.jobs")


async def check_due_orders(ctx: Context, at: datetime, batch: int = 100) -> Counter[str]:
    """One pass; each order in its own transaction so one provider failure blocks no other.
    Returns how many orders ended in each outcome (and "failed")."""
    settings = ctx.settings
    channel = ctx.resources.wechatpay
    async with ctx.sessionmaker() as session:
        due = await OrderRepository(session).due_for_check(
            at, settings.active_query_window, settings.active_query_interval, batch
        )
    outcomes: Counter[str] = Counter()
    for order_id in due:
        try:
            async with transaction(ctx.sessionmaker) as session:
                order = await OrderRepository(session).claim_pending(order_id)
                if order is None:
                    continue
                service = OrderService(session, channel, settings.order_ttl)
                outcome = await service.check_pending(order, at)
        except Exception:
            # Left pending: the next pass asks again.
            log.exception("checking order %s failed", order_id)
            outcomes["failed"] += 1
            continue
        outcomes[outcome.value] += 1
        if outcome is CheckOutcome.PAID:
            log.info("order %s settled by query (webhook lost)", order_id)
    return outcomes


async def _check_due_orders_now(ctx: Context) -> Counter[str]:
    return await check_due_orders(ctx, utcnow())


EXPIRY_JOB = PeriodicJob[Context](
    "order-expiry", _check_due_orders_now, wait=lambda ctx: ctx.settings.expiry_interval_s
)
