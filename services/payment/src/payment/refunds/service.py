"""Refunds (退款): requesting them for paid orders, submitting them to the provider, applying
the provider's results (notified, or queried when the notification is lost). Flushes only; the
caller owns the transaction."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from payment.orders.models import Order
from payment.orders.repository import OrderRepository
from payment.orders.rules import SETTLED, OrderKind, OrderStatus, RefundReview
from payment.orders.rules import STATES as ORDER_STATES
from payment.provider import RefundAmount, RefundNotification, RefundStatus, WeChatPayError
from payment.refunds.models import Refund
from payment.refunds.repository import RefundRepository
from payment.refunds.rules import (
    FINAL,
    PROVIDER_STATES,
    REASONS,
    STATES,
    RefundState,
    RefundTrigger,
    out_refund_no,
    retry_delay,
)
from payment.wechat import WeChatPay
from skillcert.errors import NotFound
from skillcert.events import OrderRefunded
from skillcert.outbox import record

log = logging.getLogger("payment.refunds")


class RefundMismatch(Exception):
    """A refund notification that does not match our refund or order (merchant, amounts)."""


class PaymentNotYetKnown(Exception):
    """A refund of an order whose payment we have not recorded yet: the provider must send it
    again once the payment notification (or the expiry job's query) has settled the order."""


@dataclass(frozen=True)
class Backoff:
    base: timedelta = timedelta(seconds=30)
    cap: timedelta = timedelta(hours=1)


class RefundService:
    def __init__(
        self, session: AsyncSession, channel: WeChatPay | None = None, backoff: Backoff = Backoff()
    ) -> None:
        self.session = session
        self.channel = channel
        self.backoff = backoff
        self.orders = OrderRepository(session)
        self.refunds = RefundRepository(session)

    # -- request --------------------------------------------------------------------------

    async def request(self, order: Order, trigger: RefundTrigger, at: datetime) -> Refund | None:
        """Start refunding a paid order in full (status refunding); the refund job submits it.

        An institution order was paid offline: nothing can go back through the provider, so it
        is flagged for the organisation to refund by hand and None is returned.
        """
        if order.kind == OrderKind.INSTITUTION:
            order.refund_review = RefundReview.OFFLINE
            log.warning("order %s paid offline needs a manual refund (%s)", order.id, trigger)
            await self.session.flush()
            return None
        ORDER_STATES.transition(OrderStatus(order.status), OrderStatus.REFUNDING)
        sequence = await self.refunds.count_for_order(order.id) + 1
        refund = Refund(
            order_id=order.id,
            out_refund_no=out_refund_no(order.out_trade_no, sequence),
            amount_fen=order.amount_fen,
            trigger=trigger,
            reason=REASONS[trigger],
            status=RefundState.PENDING,
            attempts=0,
            next_attempt_at=at,
            created_at=at,
        )
        self.refunds.add(refund)
        order.status = OrderStatus.REFUNDING
        await self.session.flush()
        return refund

    async def for_withdrawal(self, application_id: UUID, at: datetime) -> list[Refund]:
        """报名撤回: refund every paid fee of the application. Registration lets a paid
        candidate withdraw only until the plan's withdrawal deadline, so a withdrawal it
        announces is one to refund; money it had not heard of yet goes back too."""
        paid = await self.orders.paid_for_application(application_id)
        started = [await self.request(order, RefundTrigger.WITHDRAWN, at) for order in paid]
        return [refund for refund in started if refund is not None]

    async def for_cancelled_plan(self, plan_id: UUID, at: datetime) -> list[Refund]:
        """考试计划取消: refund every paid fee of the plan."""
        started = [
            await self.request(order, RefundTrigger.PLAN_CANCELLED, at)
            for order in await self.orders.paid_for_plan(plan_id)
        ]
        return [refund for refund in started if refund is not None]

    # -- submit ---------------------------------------------------------------------------

    async def submit(self, refund: Refund, at: datetime) -> bool:
        """Ask the provider to refund; True when it accepted. A failed call leaves the refund
        pending with its next attempt pushed back (the same out_refund_no is reused, which
        the provider treats as the same refund if the failed call did reach it)."""
        assert self.channel is not None
        order = await self.orders.lock(refund.order_id)
        assert order is not None
        refund.attempts += 1
        try:
            result = await self.channel.client.refund(
                out_trade_no=order.out_trade_no,
                out_refund_no=refund.out_refund_no,
                refund_fen=refund.amount_fen,
                total_fen=order.amount_fen,
                reason=refund.reason,
                notify_url=self.channel.notify_url,
            )
        except (WeChatPayError, httpx.HTTPError) as exc:
            refund.last_error = f"{type(exc).__name__}: {exc}"[:500]
            refund.next_attempt_at = at + retry_delay(
                refund.attempts, self.backoff.base, self.backoff.cap
            )
            log.warning(
                "refund %s attempt %d failed: %r", refund.out_refund_no, refund.attempts, exc
            )
            await self.session.flush()
            return False
        refund.provider_refund_id = result.refund_id
        refund.submitted_at = at
        refund.next_attempt_at = None
        refund.last_error = None
        await self._apply(refund, order, result.status, result.success_time, at)
        return True

    # -- provider results -----------------------------------------------------------------

    async def on_notification(self, note: RefundNotification, at: datetime) -> Refund:
        """A verified REFUND.* notification; repeated or stale ones change nothing."""
        assert self.channel is not None
        if note.mchid is not None and note.mchid != self.channel.mchid:
            raise RefundMismatch(f"mchid {note.mchid!r}")
        refund = await self.refunds.by_out_refund_no(note.out_refund_no, lock=True)
        if refund is None:
            return await self._external(note, at)
        order = await self.orders.lock(refund.order_id)
        assert order is not None
        await self._settle(
            refund,
            order,
            out_trade_no=note.out_trade_no,
            provider_refund_id=note.refund_id,
            amount=note.amount,
            status=note.refund_status,
            success_time=note.success_time,
            at=at,
        )
        return refund

    async def check(self, refund: Refund, at: datetime) -> RefundState:
        """Ask the provider about an accepted refund whose result has not reached us (a lost
        notification) and settle it from the answer exactly as its notification would: a
        notification arriving afterwards then finds nothing to change."""
        assert self.channel is not None
        order = await self.orders.lock(refund.order_id)
        assert order is not None
        refund.last_queried_at = at
        result = await self.channel.client.query_refund(refund.out_refund_no)
        await self._settle(
            refund,
            order,
            out_trade_no=result.out_trade_no,
            provider_refund_id=result.refund_id,
            amount=result.amount,
            status=result.status,
            success_time=result.success_time,
            at=at,
        )
        return RefundState(refund.status)

    async def _settle(
        self,
        refund: Refund,
        order: Order,
        *,
        out_trade_no: str | None,
        provider_refund_id: str,
        amount: RefundAmount,
        status: RefundStatus,
        success_time: datetime | None,
        at: datetime,
    ) -> None:
        """The provider's word on one of our refunds (notified or queried): checked against
        the refund and its order, then applied once."""
        if out_trade_no is not None and out_trade_no != order.out_trade_no:
            raise RefundMismatch(f"{refund.out_refund_no} belongs to {order.out_trade_no}")
        if amount.refund != refund.amount_fen or amount.total != order.amount_fen:
            raise RefundMismatch(f"{refund.out_refund_no}: amount {amount.refund}/{amount.total}")
        if refund.provider_refund_id is None:
            refund.provider_refund_id = provider_refund_id
        await self._apply(refund, order, status, success_time, at)

    async def _external(self, note: RefundNotification, at: datetime) -> Refund:
        """A refund we did not ask for (made on the merchant platform): recorded so our books
        match the provider's."""
        order = await self.orders.by_out_trade_no(note.out_trade_no, lock=True)
        if order is None:
            raise NotFound(f"unknown out_trade_no {note.out_trade_no}")
        if order.status not in SETTLED:
            raise PaymentNotYetKnown(note.out_trade_no)
        if note.amount.total != order.amount_fen or note.amount.refund != order.amount_fen:
            # Partial refunds are not something we make: record nothing, flag for people.
            raise RefundMismatch(f"{note.out_refund_no}: partial or mismatched refund")
        refund = Refund(
            order_id=order.id,
            out_refund_no=note.out_refund_no,
            amount_fen=note.amount.refund,
            trigger=RefundTrigger.EXTERNAL,
            reason=REASONS[RefundTrigger.EXTERNAL],
            status=RefundState.PROCESSING,
            attempts=0,
            provider_refund_id=note.refund_id,
            created_at=at,
            submitted_at=at,
        )
        self.refunds.add(refund)
        if order.status == OrderStatus.PAID:
            order.status = OrderStatus.REFUNDING
        log.warning("refund %s of %s was made outside skillcert", note.out_refund_no, order.id)
        await self._apply(refund, order, note.refund_status, note.success_time, at)
        return refund

    async def _apply(
        self,
        refund: Refund,
        order: Order,
        provider_status: RefundStatus,
        success_time: datetime | None,
        at: datetime,
    ) -> None:
        target = PROVIDER_STATES[provider_status]
        if target == refund.status or not STATES.allows(RefundState(refund.status), target):
            if refund.status in FINAL and target != refund.status:
                log.warning(
                    "refund %s is %s; ignoring a late %s",
                    refund.out_refund_no,
                    refund.status,
                    provider_status,
                )
            await self.session.flush()
            return
        refund.status = target
        if target == RefundState.SUCCEEDED:
            refund.finished_at = success_time.astimezone(UTC) if success_time else at
            ORDER_STATES.transition(OrderStatus(order.status), OrderStatus.REFUNDED)
            order.status = OrderStatus.REFUNDED
            order.refunded_at = refund.finished_at
            if order.announced:
                await record(
                    self.session,
                    OrderRefunded(
                        order_id=order.id,
                        application_id=order.application_id,
                        candidate_id=order.candidate_id,
                        plan_id=order.plan_id,
                        amount_fen=refund.amount_fen,
                        refunded_at=refund.finished_at,
                    ),
                )
        elif target == RefundState.CLOSED:
            refund.finished_at = at
            ORDER_STATES.transition(OrderStatus(order.status), OrderStatus.PAID)
            order.status = OrderStatus.PAID
            order.refund_review = RefundReview.REFUND_CLOSED
            log.error("refund %s closed by the provider; order %s", refund.out_refund_no, order.id)
        elif target == RefundState.ABNORMAL:
            # The order stays refunding: the money is neither here nor with the payer.
            log.error("refund %s is abnormal; needs ops", refund.out_refund_no)
        await self.session.flush()
