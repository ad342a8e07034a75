"""The refund jobs: one submits refunds the provider has not accepted yet, first right after
they were requested, then with exponential back-off while the provider call keeps failing; the
other queries accepted refunds whose result notification has not arrived (lost) and settles
them from the answer."""

from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime

from payment.config import PaymentSettings
from payment.context import Context
from payment.refunds.repository import RefundRepository
from payment.refunds.rules import RefundState
from payment.refunds.service import Backoff, RefundService
from skillcert.clock import utcnow
from skillcert.db import transaction
from skillcert.jobs import PeriodicJob

log = logging.getLogger("payment.refunds.jobs")


def backoff_of(settings: PaymentSettings) -> Backoff:
    return Backoff(base=settings.refund_backoff, cap=settings.refund_backoff_max)


async def submit_due_refunds(ctx: Context, at: datetime, batch: int = 100) -> Counter[str]:
    """One pass; each refund in its own transaction so one failure holds up no other.
    Returns how many were "accepted" by the provider and how many "failed"."""
    settings = ctx.settings
    channel = ctx.resources.wechatpay
    async with ctx.sessionmaker() as session:
        due = await RefundRepository(session).due(at, batch)
    outcomes: Counter[str] = Counter()
    for refund_id in due:
        try:
            async with transaction(ctx.sessionmaker) as session:
                refund = await RefundRepository(session).claim_due(refund_id, at)
                if refund is None:
                    continue
                service = RefundService(session, channel, backoff_of(settings))
                accepted = await service.submit(refund, at)
        except Exception:
            # Rolled back: still due, the next pass tries again.
            log.exception("submitting refund %s failed", refund_id)
            outcomes["failed"] += 1
            continue
        outcomes["accepted" if accepted else "failed"] += 1
    return outcomes


async def query_awaiting_refunds(ctx: Context, at: datetime, batch: int = 100) -> Counter[str]:
    """One pass; each refund in its own transaction so one provider failure blocks no other.
    Returns how many refunds ended in each state ("processing", "succeeded", "abnormal",
    "closed") and how many queries "failed"."""
    settings = ctx.settings
    channel = ctx.resources.wechatpay
    async with ctx.sessionmaker() as session:
        due = await RefundRepository(session).due_for_query(
            at, settings.refund_query_age, settings.refund_query_repeat, batch
        )
    outcomes: Counter[str] = Counter()
    for refund_id in due:
        try:
            async with transaction(ctx.sessionmaker) as session:
                refund = await RefundRepository(session).claim_awaiting(refund_id)
                if refund is None:
                    continue
                state = await RefundService(session, channel).check(refund, at)
        except Exception:
            # Rolled back: still awaiting, the next pass asks again.
            log.exception("querying refund %s failed", refund_id)
            outcomes["failed"] += 1
            continue
        outcomes[state.value] += 1
        if state is RefundState.SUCCEEDED:
            log.info("refund %s settled by query (notification lost)", refund_id)
    return outcomes


async def _submit_due_refunds_now(ctx: Context) -> Counter[str]:
    return await submit_due_refunds(ctx, utcnow())


async def _query_awaiting_refunds_now(ctx: Context) -> Counter[str]:
    return await query_awaiting_refunds(ctx, utcnow())


REFUND_JOB = PeriodicJob[Context](
    "refund-submit", _submit_due_refunds_now, wait=lambda ctx: ctx.settings.refund_interval_s
)
REFUND_QUERY_JOB = PeriodicJob[Context](
    "refund-query",
    _query_awaiting_refunds_now,
    wait=lambda ctx: ctx.settings.refund_query_interval_s,
)
