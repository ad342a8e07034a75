"""Payment orders (缴费订单): creating the QR-code order, settling it from the provider's
notification or query, expiring it. Flushes only; the caller owns the transaction."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from uuid import UUID

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from payment.applications.repository import ApplicationRepository
from payment.applications.rules import ApplicationStatus
from payment.orders.models import Order
from payment.orders.repository import OrderRepository
from payment.orders.rules import (
    CURRENCY,
    SETTLED,
    STATES,
    OrderStatus,
    RefundReview,
    is_payable,
    new_out_trade_no,
    order_description,
    refund_on_payment,
    transaction_mismatches,
)
from payment.payment_requests.repository import PaymentRequestRepository
from payment.plans.repository import PlanRepository
from payment.provider import ProviderError, TradeState, Transaction, WeChatPayError
from payment.refunds.rules import TRIGGER_OF_REVIEW
from payment.refunds.service import RefundService
from payment.wechat import WeChatPay
from skillcert.auth import Principal
from skillcert.errors import AppError, Conflict, NotFound, RuleViolation, ServiceUnavailable
from skillcert.events import OrderPaid
from skillcert.outbox import record

log = logging.getLogger("payment.orders")

# Provider errors that mean "nothing to close": the order is already final over there.
_CLOSE_NOT_NEEDED = {"ORDER_NOT_EXIST", "ORDER_CLOSED"}


class ProviderUnavailable(AppError):
    status_code = 502
    slug = "payment-provider"
    title = "支付渠道暂时不可用，请稍后再试"


class TransactionMismatch(Exception):
    """The provider reports a payment that does not match our order (amount, merchant…)."""


class CheckOutcome(StrEnum):
    PAID = "paid"
    EXPIRED = "expired"
    STILL_PENDING = "pending"


@dataclass(frozen=True)
class Created:
    order: Order
    created: bool  # False: the application's pending order was handed back


class OrderService:
    def __init__(
        self,
        session: AsyncSession,
        channel: WeChatPay,
        order_ttl: timedelta = timedelta(minutes=30),
    ) -> None:
        self.session = session
        self.channel = channel
        self.order_ttl = order_ttl
        self.orders = OrderRepository(session)

    # -- create ---------------------------------------------------------------------------

    async def create(self, principal: Principal, application_id: UUID, at: datetime) -> Created:
        """Place the order for an approved application (审核通过 → 待缴费).

        A pending, unexpired order of the application is returned as it is (one QR code at a
        time); a paid application is a conflict.
        """
        # The lock serialises concurrent creates for one application: the second waits and
        # then finds the first one's order.
        application = await ApplicationRepository(self.session).lock(application_id)
        if (
            application is None
            or application.candidate_id != principal.account_id
            or application.status != ApplicationStatus.APPROVED
        ):
            raise NotFound("报名记录不存在或尚未审核通过")
        if await self.orders.settled_for_application(application_id) is not None:
            raise Conflict("该报名已缴费，无需重复缴费")
        held = await PaymentRequestRepository(self.session).holding(application_id)
        if held is not None:
            raise Conflict(f"该报名已列入院校缴费申请单{held}，由院校统一缴费")
        pending = await self.orders.pending_for_application(application_id)
        if pending is not None:
            if is_payable(pending.status, pending.expires_at, at):
                return Created(pending, created=False)
            # Past its expiry but not yet checked: whether it was paid is only known after
            # asking the provider, which the expiry job does in its own transaction.
            raise Conflict("上一笔订单正在核对支付结果，请稍后再试")
        plan = await PlanRepository(self.session).get(application.plan_id)
        if plan is None:
            raise ServiceUnavailable("考试计划信息尚未同步，请稍后再试")
        if plan.cancelled_at is not None:
            raise RuleViolation("该考试计划已取消，不能缴费")
        if plan.fee_fen <= 0:
            raise RuleViolation("该考试计划无需在线缴费")
        if at >= plan.exam_starts_at:
            raise RuleViolation("考试已开始，不能再缴费")
        order = Order(
            out_trade_no=new_out_trade_no(at),
            application_id=application_id,
            candidate_id=application.candidate_id,
            plan_id=application.plan_id,
            amount_fen=plan.fee_fen,
            currency=CURRENCY,
            description=order_description(plan.title),
            status=OrderStatus.PENDING,
            created_at=at,
            expires_at=at + self.order_ttl,
        )
        self.orders.add(order)
        await self.session.flush()
        try:
            order.code_url = await self.channel.client.create_native_order(
                appid=self.channel.appid,
                description=order.description,
                out_trade_no=order.out_trade_no,
                amount_fen=order.amount_fen,
                notify_url=self.channel.notify_url,
                time_expire=order.expires_at,
            )
        except (WeChatPayError, httpx.HTTPError) as exc:
            # The route rolls back: no order row without a QR code.
            log.warning("provider refused order %s: %r", order.out_trade_no, exc)
            raise ProviderUnavailable() from exc
        await self.session.flush()
        return Created(order, created=True)

    async def get_own(self, principal: Principal, order_id: UUID) -> Order:
        order = await self.orders.get(order_id)
        if order is None or order.candidate_id != principal.account_id:
            raise NotFound("订单不存在")
        return order

    async def payable_own(self, principal: Principal, order_id: UUID, at: datetime) -> Order:
        order = await self.get_own(principal, order_id)
        if order.code_url is None or not is_payable(order.status, order.expires_at, at):
            raise Conflict("订单已不可支付，请重新下单")
        return order

    # -- settle ---------------------------------------------------------------------------

    async def settle_notification(self, txn: Transaction, at: datetime) -> Order:
        """A verified TRANSACTION.SUCCESS for one of our orders; repeated ones change nothing."""
        order = await self.orders.by_out_trade_no(txn.out_trade_no, lock=True)
        if order is None:
            raise NotFound(f"unknown out_trade_no {txn.out_trade_no}")
        await self.settle(order, txn, at)
        return order

    async def settle(self, order: Order, txn: Transaction, at: datetime) -> bool:
        """Mark the order paid from a successful provider transaction; True if it changed."""
        problems = transaction_mismatches(
            txn, appid=self.channel.appid, mchid=self.channel.mchid, amount_fen=order.amount_fen
        )
        if problems:
            raise TransactionMismatch(f"{order.out_trade_no}: {', '.join(problems)}")
        if order.status in SETTLED:
            if order.provider_transaction_id != txn.transaction_id:
                log.error(
                    "order %s paid as %s, provider now reports %s",
                    order.out_trade_no,
                    order.provider_transaction_id,
                    txn.transaction_id,
                )
            return False
        late = order.status != OrderStatus.PENDING
        STATES.transition(OrderStatus(order.status), OrderStatus.PAID)
        order.status = OrderStatus.PAID
        order.paid_at = txn.success_time.astimezone(UTC) if txn.success_time else at
        order.provider_transaction_id = txn.transaction_id
        refund = await self._refund_reason(order)
        if refund is not None:
            # Nobody downstream must hear of this payment: it goes straight back.
            order.refund_review = refund
            log.error("payment %s cannot be used (%s): refunding", order.out_trade_no, refund)
            await RefundService(self.session).request(order, TRIGGER_OF_REVIEW[refund], at)
            return True
        if late:
            order.refund_review = RefundReview.LATE
            log.warning("late payment honoured for %s; needs refund review", order.out_trade_no)
        await self.announce(order, txn.transaction_id or "")
        return True

    async def announce(self, order: Order, provider_transaction_id: str) -> None:
        """Tell the others the fee is paid (OrderPaid), once per order."""
        assert order.paid_at is not None
        order.announced = True
        await record(
            self.session,
            OrderPaid(
                order_id=order.id,
                application_id=order.application_id,
                candidate_id=order.candidate_id,
                plan_id=order.plan_id,
                amount_fen=order.amount_fen,
                provider_transaction_id=provider_transaction_id,
                paid_at=order.paid_at,
            ),
        )
        await self.session.flush()

    async def _refund_reason(self, order: Order) -> RefundReview | None:
        # The application lock serialises settling two orders of one application paid at the
        # same moment: the second one then sees the first and is refunded as a duplicate.
        application = await ApplicationRepository(self.session).lock(order.application_id)
        other = await self.orders.settled_for_application(order.application_id, excluding=order.id)
        plan = await PlanRepository(self.session).get(order.plan_id)
        return refund_on_payment(
            duplicate=other is not None,
            withdrawn=application is not None and application.status == ApplicationStatus.WITHDRAWN,
            plan_cancelled=plan is not None and plan.cancelled_at is not None,
        )

    # -- expiry and active query ----------------------------------------------------------

    async def check_pending(self, order: Order, at: datetime) -> CheckOutcome:
        """Ask the provider about a pending order: settle it when it was paid (lost webhook),
        close and expire it when its time is up, otherwise leave it."""
        order.last_queried_at = at
        txn = await self._query(order)
        if txn is not None and txn.trade_state in (TradeState.SUCCESS, TradeState.REFUND):
            await self.settle(order, txn, at)
            return CheckOutcome.PAID
        if order.expires_at > at or (txn is not None and txn.trade_state == TradeState.USERPAYING):
            await self.session.flush()
            return CheckOutcome.STILL_PENDING
        try:
            await self.channel.client.close_order(order.out_trade_no)
        except ProviderError as exc:
            if exc.code == "ORDERPAID":
                # Paid between our query and the close: settle instead.
                paid = await self._query(order)
                if paid is not None and paid.trade_state == TradeState.SUCCESS:
                    await self.settle(order, paid, at)
                    return CheckOutcome.PAID
                raise
            if exc.code not in _CLOSE_NOT_NEEDED:
                raise
        STATES.transition(OrderStatus(order.status), OrderStatus.EXPIRED)
        order.status = OrderStatus.EXPIRED
        order.closed_at = at
        await self.session.flush()
        return CheckOutcome.EXPIRED

    async def _query(self, order: Order) -> Transaction | None:
        try:
            return await self.channel.client.query_order(order.out_trade_no)
        except ProviderError as exc:
            if exc.code == "ORDER_NOT_EXIST":
                return None
            raise
