"""Refund rules: when a paid fee goes back, the refund state machine, retry back-off. No I/O.

Withdrawal (报名撤回): a paid fee is refunded in full when the candidate withdraws; registration
allows that after payment only until the plan's withdrawal deadline (退考截止时间, carried on
exam.plan.published), so the deadline is judged there, once. A plan cancellation refunds every
paid fee, whenever.
Money paid for an application that was already withdrawn, for a cancelled plan, or twice for
one application is refunded whatever the date (orders.rules.refund_on_payment).
"""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum

from payment.orders.rules import RefundReview
from payment.provider import RefundStatus
from skillcert.states import StateMachine


class RefundState(StrEnum):
    PENDING = "pending"  # 待提交: not (yet) accepted by the provider; the job (re)tries it
    PROCESSING = "processing"  # 退款处理中: accepted, waiting for the provider's result
    SUCCEEDED = "succeeded"  # 已退款
    ABNORMAL = "abnormal"  # 退款异常 (e.g. the payer's card is gone): flagged for ops
    CLOSED = "closed"  # 退款关闭: the provider gave up, the money is still ours


# The one table of allowed transitions. ABNORMAL is not final at the provider: it can still
# succeed or be closed once ops sort it out on the merchant platform.
TRANSITIONS: dict[RefundState, frozenset[RefundState]] = {
    RefundState.PENDING: frozenset(
        {RefundState.PROCESSING, RefundState.SUCCEEDED, RefundState.ABNORMAL, RefundState.CLOSED}
    ),
    RefundState.PROCESSING: frozenset(
        {RefundState.SUCCEEDED, RefundState.ABNORMAL, RefundState.CLOSED}
    ),
    RefundState.ABNORMAL: frozenset({RefundState.SUCCEEDED, RefundState.CLOSED}),
    RefundState.SUCCEEDED: frozenset(),
    RefundState.CLOSED: frozenset(),
}

FINAL = frozenset({RefundState.SUCCEEDED, RefundState.CLOSED})
# Accepted by the provider, result not final here: the refund query job asks about these.
AWAITING_PROVIDER = frozenset({RefundState.PROCESSING, RefundState.ABNORMAL})

PROVIDER_STATES: dict[RefundStatus, RefundState] = {
    RefundStatus.PROCESSING: RefundState.PROCESSING,
    RefundStatus.SUCCESS: RefundState.SUCCEEDED,
    RefundStatus.ABNORMAL: RefundState.ABNORMAL,
    RefundStatus.CLOSED: RefundState.CLOSED,
}


class RefundTrigger(StrEnum):
    WITHDRAWN = "withdrawn"  # the candidate withdrew before the deadline
    PLAN_CANCELLED = "plan_cancelled"
    DUPLICATE = "duplicate"  # a second payment for one application
    PAID_AFTER_WITHDRAWAL = "paid_withdrawn"  # paid for an application already withdrawn
    EXTERNAL = "external"  # made on the merchant platform; we learnt of it by notification


# What the payer sees on the refund (the provider shows the reason; at most 80 characters).
REASONS: dict[RefundTrigger, str] = {
    RefundTrigger.WITHDRAWN: "报名撤回退费",
    RefundTrigger.PLAN_CANCELLED: "考试计划取消退费",
    RefundTrigger.DUPLICATE: "重复缴费退款",
    RefundTrigger.PAID_AFTER_WITHDRAWAL: "报名已撤回，退还缴费",
    RefundTrigger.EXTERNAL: "商户平台退款",
}

TRIGGER_OF_REVIEW: dict[RefundReview, RefundTrigger] = {
    RefundReview.DUPLICATE: RefundTrigger.DUPLICATE,
    RefundReview.WITHDRAWN: RefundTrigger.PAID_AFTER_WITHDRAWAL,
    RefundReview.PLAN_CANCELLED: RefundTrigger.PLAN_CANCELLED,
}


STATES = StateMachine.of_targets(
    TRANSITIONS, refusal=lambda current, target: f"退款状态为{current}，不能变更为{target}"
)


def out_refund_no(out_trade_no: str, sequence: int) -> str:
    """商户退款单号: the order number and the refund's sequence within the order (R1, R2…):
    unique, at most 32 + 4 characters of the allowed alphabet, and the same on every retry."""
    return f"{out_trade_no}R{sequence}"


def retry_delay(attempts: int, base: timedelta, cap: timedelta) -> timedelta:
    """Exponential back-off after the n-th failed provider call (n >= 1), capped."""
    exponent = max(attempts - 1, 0)
    # Cap the exponent before multiplying so a long outage cannot overflow timedelta.
    if exponent >= 32:
        return cap
    delay: timedelta = base * (2**exponent)
    return min(delay, cap)
