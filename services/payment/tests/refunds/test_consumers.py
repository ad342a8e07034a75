"""Withdrawals and plan cancellations start refunds of paid fees (once, however often the
event arrives). A withdrawal is fed as registration publishes it (ApplicationWithdrawn with
`paid`); registration judges the plan's withdrawal deadline, so none arrives after it."""

from __future__ import annotations

from uuid import uuid4

from payment.orders.models import Order
from payment.orders.rules import OrderKind, OrderStatus, RefundReview, new_out_trade_no
from payment.plans.models import PlanFee
from payment.refunds.rules import RefundState, RefundTrigger
from skillcert.clock import utcnow
from skillcert.testing import ServiceHarness, assert_problem
from tests.refunds.helpers import cancellation, order_of, refunds, withdrawal
from tests.support import orders, paid_application, pay, payable, payable_in


class TestWithdrawal:
    async def test_withdrawal_before_the_deadline_starts_a_full_refund(
        self, harness: ServiceHarness
    ):
        app, order = await paid_application(harness)
        await harness.deliver(withdrawal(app))
        [refund] = await refunds(harness)
        assert refund.order_id == order.id
        assert refund.out_refund_no == f"{order.out_trade_no}R1"
        assert refund.amount_fen == order.amount_fen
        assert (refund.trigger, refund.status) == (RefundTrigger.WITHDRAWN, RefundState.PENDING)
        assert refund.reason == "报名撤回退费"
        assert (await order_of(harness, order.id)).status == OrderStatus.REFUNDING

    async def test_same_withdrawal_twice_refunds_once(self, harness: ServiceHarness):
        app, order = await paid_application(harness)
        event = withdrawal(app)
        await harness.deliver(event)
        await harness.deliver(event)
        assert len(await refunds(harness)) == 1
        assert (await order_of(harness, order.id)).status == OrderStatus.REFUNDING

    async def test_a_payment_registration_had_not_heard_of_is_refunded_too(
        self, harness: ServiceHarness
    ):
        """The candidate withdrew while payment's notice was still on its way to registration:
        the event says unpaid, but the money for a withdrawn application goes back."""
        app, order = await paid_application(harness)
        await harness.deliver(withdrawal(app, paid=False))
        [refund] = await refunds(harness)
        assert (refund.order_id, refund.trigger) == (order.id, RefundTrigger.WITHDRAWN)

    async def test_withdrawal_of_an_unpaid_application_refunds_nothing(
        self, harness: ServiceHarness
    ):
        app = await payable(harness)
        assert (await app.create_order()).status_code == 201
        await harness.deliver(withdrawal(app, paid=False))
        assert await refunds(harness) == []
        [order] = await orders(harness)
        assert order.status == OrderStatus.PENDING


class TestPlanCancelled:
    async def test_every_paid_order_of_the_plan_is_refunded_once(self, harness: ServiceHarness):
        first, first_order = await paid_application(harness)
        second_order = await pay(await payable_in(harness, first.plan_id))
        _, elsewhere_order = await paid_application(harness)  # another plan

        event = cancellation(first.plan_id)
        await harness.deliver(event)
        await harness.deliver(event)
        started = await refunds(harness)
        assert {r.order_id for r in started} == {first_order.id, second_order.id}
        assert {r.trigger for r in started} == {RefundTrigger.PLAN_CANCELLED}
        assert (await order_of(harness, elsewhere_order.id)).status == OrderStatus.PAID
        async with harness.ctx.sessionmaker() as session:
            plan = await session.get(PlanFee, first.plan_id)
            assert plan is not None and plan.cancelled_at is not None

    async def test_no_new_orders_for_a_cancelled_plan(self, harness: ServiceHarness):
        app = await payable(harness)
        await harness.deliver(cancellation(app.plan_id))
        response = await app.create_order()
        assert_problem(response, 400, detail="该考试计划已取消，不能缴费")
        assert await orders(harness) == []

    async def test_cancellation_of_an_unknown_plan_changes_nothing(self, harness: ServiceHarness):
        event = cancellation(uuid4())
        await harness.deliver(event)
        await harness.deliver(event)
        assert await refunds(harness) == []


class TestOfflinePayments:
    async def test_a_cancelled_plan_flags_institution_payments_for_a_manual_refund(
        self, harness: ServiceHarness
    ):
        app = await payable(harness)
        async with harness.ctx.sessionmaker() as session:
            session.add(
                Order(
                    out_trade_no=new_out_trade_no(utcnow(), prefix="IN"),
                    kind=OrderKind.INSTITUTION,
                    application_id=app.application_id,
                    candidate_id=app.candidate_id,
                    plan_id=app.plan_id,
                    amount_fen=12000,
                    currency="CNY",
                    description="院校缴费申请单",
                    status=OrderStatus.PAID,
                    created_at=utcnow(),
                    expires_at=utcnow(),
                    paid_at=utcnow(),
                    provider_transaction_id="JF2026050112345678",
                    announced=True,
                )
            )
            await session.commit()
        await harness.deliver(cancellation(app.plan_id))
        assert await refunds(harness) == []
        [order] = await orders(harness)
        assert (order.status, order.refund_review) == (OrderStatus.PAID, RefundReview.OFFLINE)
