"""Order rules: the state machine, order numbers, and what a provider transaction must match.
No I/O."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from enum import StrEnum

from payment.provider import Transaction
from skillcert.clock import CHINA
from skillcert.states import StateMachine

CURRENCY = "CNY"
DESCRIPTION_PREFIX = "职业技能等级认定考试费-"
MAX_DESCRIPTION = 127  # the provider's limit


class OrderStatus(StrEnum):
    PENDING = "pending"  # 待缴费: QR code shown, waiting for the payer
    PAID = "paid"  # 已缴费
    EXPIRED = "expired"  # 已过期: not paid within the TTL, closed at the provider
    CLOSED = "closed"  # 已关闭: closed before expiry (e.g. replaced, withdrawn)
    REFUNDING = "refunding"  # 退款中
    REFUNDED = "refunded"  # 已退款


# The one table of allowed transitions. A payment for an expired or closed order is still
# honoured (money is never lost) and flagged for refund review.
TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    OrderStatus.PENDING: frozenset({OrderStatus.PAID, OrderStatus.EXPIRED, OrderStatus.CLOSED}),
    OrderStatus.EXPIRED: frozenset({OrderStatus.PAID}),
    OrderStatus.CLOSED: frozenset({OrderStatus.PAID}),
    OrderStatus.PAID: frozenset({OrderStatus.REFUNDING}),
    # A refund the provider closes or rejects leaves the order paid.
    OrderStatus.REFUNDING: frozenset({OrderStatus.REFUNDED, OrderStatus.PAID}),
    OrderStatus.REFUNDED: frozenset(),
}

# Statuses in which money has arrived.
SETTLED = frozenset({OrderStatus.PAID, OrderStatus.REFUNDING, OrderStatus.REFUNDED})


class OrderKind(StrEnum):
    NATIVE = "native"  # the candidate scans a WeChat Pay QR code
    INSTITUTION = "institution"  # paid offline through a confirmed institution payment request


class RefundReview(StrEnum):
    """Why a paid order was flagged: for people to look at, or why it was refunded."""

    LATE = "late"  # paid after it had expired or been closed (honoured)
    DUPLICATE = "duplicate"  # the application was already paid through another order (refunded)
    WITHDRAWN = "withdrawn"  # paid for an application already withdrawn (refunded)
    PLAN_CANCELLED = "plan_cancelled"  # paid for a cancelled plan (refunded)
    REFUND_CLOSED = "refund_closed"  # the provider closed our refund: money still here
    OFFLINE = "offline"  # owed back but paid offline: the organisation refunds by hand


STATES = StateMachine.of_targets(
    TRANSITIONS, refusal=lambda current, target: f"订单状态为{current}，不能变更为{target}"
)


def new_out_trade_no(now: datetime, prefix: str = "SC") -> str:
    """商户订单号: SC + date + 22 hex = 32 characters, the provider's maximum; the date prefix
    makes bill lines readable during reconciliation (bills are per Beijing day). Institution
    orders never reach the provider and start with IN."""
    return f"{prefix}{now.astimezone(CHINA):%Y%m%d}{uuid.uuid4().hex[:22].upper()}"


def refund_on_payment(
    *, duplicate: bool, withdrawn: bool, plan_cancelled: bool
) -> RefundReview | None:
    """Money that arrives for an application that can no longer use it goes straight back
    (and is never announced as paid); None: the payment counts. Checked in this order so the
    most specific reason is recorded."""
    if duplicate:
        return RefundReview.DUPLICATE
    if plan_cancelled:
        return RefundReview.PLAN_CANCELLED
    if withdrawn:
        return RefundReview.WITHDRAWN
    return None


def order_description(plan_title: str) -> str:
    return (DESCRIPTION_PREFIX + plan_title)[:MAX_DESCRIPTION]


def is_payable(status: str, expires_at: datetime, now: datetime) -> bool:
    return status == OrderStatus.PENDING and expires_at > now


def due_for_active_query(
    expires_at: datetime,
    last_queried_at: datetime | None,
    now: datetime,
    window: timedelta,
    interval: timedelta,
) -> bool:
    """Near expiry a lost webhook would otherwise only be noticed at expiry: ask early."""
    if expires_at <= now or expires_at > now + window:
        return False
    return last_queried_at is None or last_queried_at <= now - interval


def transaction_mismatches(
    txn: Transaction, *, appid: str, mchid: str, amount_fen: int
) -> list[str]:
    """What in a provider transaction does not match our order; empty when it all matches."""
    problems: list[str] = []
    if txn.mchid != mchid:
        problems.append(f"mchid {txn.mchid!r}")
    if txn.appid is not None and txn.appid != appid:
        problems.append(f"appid {txn.appid!r}")
    if txn.amount is None:
        problems.append("no amount")
    else:
        if txn.amount.total != amount_fen:
            problems.append(f"amount {txn.amount.total} != {amount_fen}")
        if (txn.amount.currency or CURRENCY) != CURRENCY:
            problems.append(f"currency {txn.amount.currency!r}")
    return problems
