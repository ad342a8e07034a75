"""The expiry job against the simulator: expire, settle lost webhooks, ask early."""

from __future__ import annotations

from datetime import timedelta

from payment.orders.jobs import check_due_orders
from payment.orders.rules import OrderStatus
from payment.provider import TradeState
from skillcert.events import OrderPaid
from skillcert.testing import ServiceHarness
from tests.support import Channel, orders, payable


async def placed(harness: ServiceHarness):  # type: ignore[no-untyped-def]
    app = await payable(harness)
    response = await app.create_order()
    assert response.status_code == 201, response.text
    [order] = await orders(harness)
    return app, order


class TestExpiryJob:
    async def test_unpaid_order_past_expiry_is_closed_and_expired(
        self, harness: ServiceHarness, channel: Channel
    ):
        _, order = await placed(harness)
        outcomes = await check_due_orders(harness.ctx, order.expires_at + timedelta(seconds=1))
        assert outcomes == {"expired": 1}
        [stored] = await orders(harness)
        assert stored.status == OrderStatus.EXPIRED
        assert stored.closed_at is not None
        assert channel.simulator.orders[order.out_trade_no].trade_state is TradeState.CLOSED
        assert await harness.outbox() == []

    async def test_paid_at_provider_with_lost_webhook_is_settled(
        self, harness: ServiceHarness, channel: Channel
    ):
        app, order = await placed(harness)
        # The payer paid; the notification never arrived.
        paid = channel.simulator.mark_paid(out_trade_no=order.out_trade_no)
        outcomes = await check_due_orders(harness.ctx, order.expires_at + timedelta(seconds=1))
        assert outcomes == {"paid": 1}
        [stored] = await orders(harness)
        assert stored.status == OrderStatus.PAID
        assert stored.provider_transaction_id == paid.transaction_id
        assert stored.refund_review is None
        [event] = await harness.outbox()
        assert isinstance(event, OrderPaid) and event.application_id == app.application_id

    async def test_order_near_expiry_is_queried_and_settled_early(
        self, harness: ServiceHarness, channel: Channel
    ):
        _, order = await placed(harness)
        channel.simulator.mark_paid(out_trade_no=order.out_trade_no)
        outcomes = await check_due_orders(harness.ctx, order.expires_at - timedelta(minutes=2))
        assert outcomes == {"paid": 1}
        [stored] = await orders(harness)
        assert stored.status == OrderStatus.PAID
        assert len(await harness.outbox()) == 1

    async def test_unpaid_order_near_expiry_stays_pending_and_is_not_asked_again_at_once(
        self, harness: ServiceHarness
    ):
        _, order = await placed(harness)
        at = order.expires_at - timedelta(minutes=2)
        assert await check_due_orders(harness.ctx, at) == {"pending": 1}
        assert await check_due_orders(harness.ctx, at + timedelta(seconds=10)) == {}
        [stored] = await orders(harness)
        assert stored.status == OrderStatus.PENDING
        assert stored.last_queried_at == at

    async def test_fresh_order_is_left_alone(self, harness: ServiceHarness):
        _, order = await placed(harness)
        assert await check_due_orders(harness.ctx, order.created_at) == {}
        [stored] = await orders(harness)
        assert stored.status == OrderStatus.PENDING and stored.last_queried_at is None

    async def test_provider_failure_leaves_the_order_pending(
        self, harness: ServiceHarness, channel: Channel, monkeypatch
    ):  # type: ignore[no-untyped-def]
        _, order = await placed(harness)
        skewed = order.created_at + timedelta(hours=1)
        monkeypatch.setattr(channel.simulator, "clock", lambda: skewed)
        outcomes = await check_due_orders(harness.ctx, order.expires_at + timedelta(seconds=1))
        assert outcomes == {"failed": 1}
        [stored] = await orders(harness)
        assert stored.status == OrderStatus.PENDING

    async def test_after_expiry_a_new_order_can_be_placed(self, harness: ServiceHarness):
        app, order = await placed(harness)
        await check_due_orders(harness.ctx, order.expires_at + timedelta(seconds=1))
        response = await app.create_order()
        assert response.status_code == 201
        assert response.json()["order_id"] != str(order.id)
        assert [o.status for o in await orders(harness)] == ["expired", "pending"]
