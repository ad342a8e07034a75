"""Races around payment: two payments of one application at once, payments arriving just
after expiry. Money is always either counted once or on its way back; never lost."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import update

from payment.orders.jobs import check_due_orders
from payment.orders.models import Order
from payment.orders.rules import OrderStatus, RefundReview
from payment.refunds.rules import RefundState, RefundTrigger
from skillcert.events import OrderPaid
from skillcert.testing import ServiceHarness
from tests.orders.test_webhook import notification, post, transaction
from tests.refunds.helpers import refunds, submit, withdrawal
from tests.support import Channel, orders, payable

PAID = OrderPaid.model_fields["type"].default


async def expire_without_closing(harness: ServiceHarness, order_id: object) -> None:
    """Our side gave the order up, the provider's close never happened (crash in between)."""
    async with harness.ctx.sessionmaker() as session:
        await session.execute(
            update(Order).where(Order.id == order_id).values(status=OrderStatus.EXPIRED)
        )
        await session.commit()


class TestDoublePay:
    async def test_two_payments_of_one_application_at_once_count_once(
        self, harness: ServiceHarness, channel: Channel
    ):
        app = await payable(harness)
        first = (await app.create_order()).json()
        await expire_without_closing(harness, first["order_id"])
        second = (await app.create_order()).json()
        assert second["order_id"] != first["order_id"]
        sim = channel.simulator
        assert sim is not None
        bodies = []
        for created in (first, second):
            paid = sim.mark_paid(out_trade_no=created["out_trade_no"])
            resource = transaction(
                channel, created["out_trade_no"], transaction_id=paid.transaction_id
            )
            bodies.append(notification(channel, resource))
        responses = await asyncio.gather(*(post(harness, b, sim.sign(b)) for b in bodies))
        assert [r.status_code for r in responses] == [204, 204]

        [event] = await harness.outbox(PAID)
        assert isinstance(event, OrderPaid)
        stored = {str(o.id): o for o in await orders(harness)}
        counted = stored[str(event.order_id)]
        other = next(o for o in stored.values() if o.id != event.order_id)
        assert counted.status == OrderStatus.PAID and counted.announced
        assert other.status == OrderStatus.REFUNDING and not other.announced
        assert other.refund_review == RefundReview.DUPLICATE
        [refund] = await refunds(harness)
        assert (refund.order_id, refund.trigger) == (other.id, RefundTrigger.DUPLICATE)
        assert refund.reason == "重复缴费退款"
        # The duplicate really goes back.
        assert await submit(harness) == {"accepted": 1}
        assert sim.refunds[refund.out_refund_no].out_trade_no == other.out_trade_no


class TestPaymentJustAfterExpiry:
    async def test_paid_while_the_job_closes_it_is_settled(
        self, harness: ServiceHarness, channel: Channel, monkeypatch: pytest.MonkeyPatch
    ):
        app = await payable(harness)
        created = (await app.create_order()).json()
        sim = channel.simulator
        assert sim is not None
        real_close = channel.client.close_order

        async def paid_just_before_close(out_trade_no: str) -> None:
            # The payer completes between our query (NOTPAY) and our close.
            sim.mark_paid(out_trade_no=out_trade_no)
            await real_close(out_trade_no)

        monkeypatch.setattr(channel.client, "close_order", paid_just_before_close)
        [order] = await orders(harness)
        outcomes = await check_due_orders(harness.ctx, order.expires_at + timedelta(seconds=1))
        assert outcomes == {"paid": 1}
        [order] = await orders(harness)
        assert order.status == OrderStatus.PAID
        assert len(await harness.outbox(PAID)) == 1
        assert created["order_id"] == str(order.id)

    async def test_paid_after_expiry_is_honoured_and_flagged(
        self, harness: ServiceHarness, channel: Channel
    ):
        app = await payable(harness)
        created = (await app.create_order()).json()
        await expire_without_closing(harness, created["order_id"])
        sim = channel.simulator
        assert sim is not None
        body = notification(channel, transaction(channel, created["out_trade_no"]))
        assert (await post(harness, body, sim.sign(body))).status_code == 204
        [order] = await orders(harness)
        assert (order.status, order.refund_review) == (OrderStatus.PAID, RefundReview.LATE)
        assert len(await harness.outbox(PAID)) == 1
        assert await refunds(harness) == []

    async def test_paid_after_expiry_and_withdrawal_is_refunded_not_counted(
        self, harness: ServiceHarness, channel: Channel
    ):
        app = await payable(harness)
        created = (await app.create_order()).json()
        await expire_without_closing(harness, created["order_id"])
        await harness.deliver(withdrawal(app, paid=False))
        sim = channel.simulator
        assert sim is not None
        body = notification(channel, transaction(channel, created["out_trade_no"]))
        assert (await post(harness, body, sim.sign(body))).status_code == 204
        [order] = await orders(harness)
        assert order.status == OrderStatus.REFUNDING
        assert order.refund_review == RefundReview.WITHDRAWN
        assert await harness.outbox(PAID) == []
        [refund] = await refunds(harness)
        assert (refund.trigger, refund.status) == (
            RefundTrigger.PAID_AFTER_WITHDRAWAL,
            RefundState.PENDING,
        )
