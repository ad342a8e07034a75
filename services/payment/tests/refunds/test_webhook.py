"""Refund notifications over HTTP: verified exactly like payments, applied once, and in any
order with the payment notification without losing money."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest

from payment.orders.jobs import check_due_orders
from payment.orders.rules import OrderStatus, RefundReview
from payment.provider import EventType, platform_signature_headers
from payment.refunds.rules import RefundState, RefundTrigger
from skillcert.events import OrderPaid, OrderRefunded
from skillcert.testing import ServiceHarness
from skillcert_devtools.wechatpay import DevKeySet, generate_test_keys
from tests.orders.test_webhook import transaction
from tests.refunds.helpers import (
    complete,
    order_of,
    refunding,
    refunds,
    submit,
    withdrawal,
)
from tests.support import WEBHOOK, Channel, orders, payable

PAID = OrderPaid.model_fields["type"].default
REFUNDED = OrderRefunded.model_fields["type"].default


@pytest.fixture(scope="module")
def stranger_keys() -> DevKeySet:
    return generate_test_keys()


def refund_body(channel: Channel, out_refund_no: str, **changes: Any) -> bytes:
    event_type = changes.pop("event_type", EventType.REFUND_SUCCESS)
    resource = channel.simulator.refunds[out_refund_no].to_notification()
    resource["refund_status"] = "SUCCESS"
    resource.update(changes)
    _, body = channel.simulator.build_notification(
        event_type=event_type,
        summary="退款成功",
        original_type="refund",
        resource=resource,
    )
    return body


async def post(harness: ServiceHarness, body: bytes, headers: dict[str, str]):  # type: ignore[no-untyped-def]
    assert harness.client is not None
    return await harness.client.post(
        WEBHOOK, content=body, headers={"Content-Type": "application/json", **headers}
    )


async def assert_still_refunding(harness: ServiceHarness, response, status: int, order) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.text
    assert response.json()["code"] == "FAIL"
    assert (await order_of(harness, order.id)).status == OrderStatus.REFUNDING
    [refund] = await refunds(harness)
    assert refund.status == RefundState.PROCESSING
    assert await harness.outbox(REFUNDED) == []


class TestRefundNotification:
    async def test_success_refunds_the_order_and_records_order_refunded_once(
        self, harness: ServiceHarness
    ):
        app, order, refund = await refunding(harness)
        result = await complete(harness, refund.out_refund_no, duplicates=2)
        attempts = result["notification"]["attempts"]
        assert [(a["copy"], a["status_code"]) for a in attempts] == [(0, 204), (1, 204), (2, 204)]
        stored = await order_of(harness, order.id)
        assert stored.status == OrderStatus.REFUNDED
        assert stored.refunded_at is not None
        [done] = await refunds(harness)
        assert done.status == RefundState.SUCCEEDED and done.finished_at is not None
        [event] = await harness.outbox(REFUNDED)
        assert isinstance(event, OrderRefunded)
        assert (event.order_id, event.application_id) == (order.id, app.application_id)
        assert (event.candidate_id, event.plan_id) == (app.candidate_id, app.plan_id)
        assert event.amount_fen == order.amount_fen

    async def test_abnormal_stays_refunding_and_flagged_then_can_still_succeed(
        self, harness: ServiceHarness
    ):
        _, order, refund = await refunding(harness)
        await complete(harness, refund.out_refund_no, status="ABNORMAL", duplicates=1)
        [flagged] = await refunds(harness)
        assert flagged.status == RefundState.ABNORMAL
        assert (await order_of(harness, order.id)).status == OrderStatus.REFUNDING
        assert await harness.outbox(REFUNDED) == []
        # Sorted out on the merchant platform: the provider reports success after all.
        await complete(harness, refund.out_refund_no, status="SUCCESS")
        assert (await order_of(harness, order.id)).status == OrderStatus.REFUNDED
        assert len(await harness.outbox(REFUNDED)) == 1

    async def test_closed_gives_the_order_back_flagged(self, harness: ServiceHarness):
        _, order, refund = await refunding(harness)
        await complete(harness, refund.out_refund_no, status="CLOSED")
        stored = await order_of(harness, order.id)
        assert stored.status == OrderStatus.PAID
        assert stored.refund_review == RefundReview.REFUND_CLOSED
        [closed] = await refunds(harness)
        assert closed.status == RefundState.CLOSED
        assert await harness.outbox(REFUNDED) == []

    async def test_late_abnormal_after_success_changes_nothing(
        self, harness: ServiceHarness, channel: Channel
    ):
        _, order, refund = await refunding(harness)
        await complete(harness, refund.out_refund_no)
        body = refund_body(
            channel,
            refund.out_refund_no,
            refund_status="ABNORMAL",
            event_type=EventType.REFUND_ABNORMAL,
        )
        response = await post(harness, body, channel.simulator.sign(body))
        assert response.status_code == 204
        assert (await order_of(harness, order.id)).status == OrderStatus.REFUNDED
        assert len(await harness.outbox(REFUNDED)) == 1

    async def test_forged_signature_is_rejected(
        self, harness: ServiceHarness, channel: Channel, stranger_keys: DevKeySet
    ):
        _, order, refund = await refunding(harness)
        body = refund_body(channel, refund.out_refund_no)
        headers = platform_signature_headers(
            body, stranger_keys.platform_private_key, channel.simulator.platform_serial
        )
        response = await post(harness, body, headers)
        await assert_still_refunding(harness, response, 401, order)
        assert response.json()["message"] == "bad_signature"

    async def test_replayed_stale_notification_is_rejected(
        self, harness: ServiceHarness, channel: Channel
    ):
        _, order, refund = await refunding(harness)
        body = refund_body(channel, refund.out_refund_no)
        headers = platform_signature_headers(
            body,
            channel.simulator.platform_private_key,
            channel.simulator.platform_serial,
            timestamp=int(channel.simulator.clock().timestamp()) - 600,
        )
        response = await post(harness, body, headers)
        await assert_still_refunding(harness, response, 401, order)
        assert response.json()["message"] == "timestamp_skew"

    async def test_other_merchant_is_rejected(self, harness: ServiceHarness, channel: Channel):
        _, order, refund = await refunding(harness)
        body = refund_body(channel, refund.out_refund_no, mchid="1230000109")
        response = await post(harness, body, channel.simulator.sign(body))
        await assert_still_refunding(harness, response, 400, order)

    async def test_amount_mismatch_is_rejected(self, harness: ServiceHarness, channel: Channel):
        _, order, refund = await refunding(harness)
        body = refund_body(
            channel, refund.out_refund_no, amount={"total": order.amount_fen, "refund": 1}
        )
        response = await post(harness, body, channel.simulator.sign(body))
        await assert_still_refunding(harness, response, 400, order)

    async def test_event_type_that_contradicts_the_status_is_rejected(
        self, harness: ServiceHarness, channel: Channel
    ):
        _, order, refund = await refunding(harness)
        body = refund_body(
            channel, refund.out_refund_no, refund_status="CLOSED", event_type="REFUND.SUCCESS"
        )
        response = await post(harness, body, channel.simulator.sign(body))
        await assert_still_refunding(harness, response, 400, order)


class TestOutOfOrder:
    async def test_refund_notification_before_the_payment_notification(
        self, harness: ServiceHarness, channel: Channel
    ):
        """Paid and refunded (on the merchant platform) before we heard of the payment: the
        refund is asked for again until the payment is in, then both count, in order."""
        app = await payable(harness)
        created = (await app.create_order()).json()
        out_trade_no = created["out_trade_no"]
        sim = channel.simulator
        assert sim is not None
        paid = sim.mark_paid(out_trade_no=out_trade_no)  # its notification is still on its way
        sim.create_refund(
            {
                "out_trade_no": out_trade_no,
                "out_refund_no": "MP" + out_trade_no,
                "amount": {"refund": paid.total, "total": paid.total, "currency": "CNY"},
                "notify_url": channel.notify_url,
            }
        )
        early = await sim.complete_refund("MP" + out_trade_no)
        assert early is not None
        assert {a.status_code for a in early.attempts} == {409}
        [order] = await orders(harness)
        assert order.status == OrderStatus.PENDING
        assert await harness.outbox() == []

        # The payment notification arrives.
        body = notification(
            channel, transaction(channel, out_trade_no, transaction_id=paid.transaction_id)
        )
        assert (await post(harness, body, sim.sign(body))).status_code == 204
        # The provider tries the refund notification again.
        body = refund_body(channel, "MP" + out_trade_no)
        assert (await post(harness, body, sim.sign(body))).status_code == 204

        [order] = await orders(harness)
        assert order.status == OrderStatus.REFUNDED
        [refund] = await refunds(harness)
        assert (refund.trigger, refund.status) == (RefundTrigger.EXTERNAL, RefundState.SUCCEEDED)
        assert [type(e) for e in await harness.outbox()] == [OrderPaid, OrderRefunded]

    async def test_payment_notification_after_the_refund(
        self, harness: ServiceHarness, channel: Channel
    ):
        """Settled by the expiry job's query (notification delayed), withdrawn, refunded; the
        delayed payment notification then changes nothing."""
        app = await payable(harness)
        created = (await app.create_order()).json()
        sim = channel.simulator
        assert sim is not None
        paid = sim.mark_paid(out_trade_no=created["out_trade_no"])
        [order] = await orders(harness)
        assert await check_due_orders(harness.ctx, order.expires_at - timedelta(minutes=2)) == {
            "paid": 1
        }
        await harness.deliver(withdrawal(app))
        assert await submit(harness) == {"accepted": 1}
        [refund] = await refunds(harness)
        await complete(harness, refund.out_refund_no)

        body = notification(
            channel,
            transaction(channel, created["out_trade_no"], transaction_id=paid.transaction_id),
        )
        assert (await post(harness, body, sim.sign(body))).status_code == 204
        [order] = await orders(harness)
        assert order.status == OrderStatus.REFUNDED
        assert [type(e) for e in await harness.outbox()] == [OrderPaid, OrderRefunded]

    async def test_refund_and_payment_notifications_at_the_same_moment(
        self, harness: ServiceHarness, channel: Channel
    ):
        """A duplicate of the payment notification racing the refund notification."""
        _, order, refund = await refunding(harness)
        sim = channel.simulator
        assert sim is not None
        pay_body = notification(
            channel,
            transaction(channel, order.out_trade_no, transaction_id=order.provider_transaction_id),
        )
        refund_note = refund_body(channel, refund.out_refund_no)
        first, second = await asyncio.gather(
            post(harness, pay_body, sim.sign(pay_body)),
            post(harness, refund_note, sim.sign(refund_note)),
        )
        assert (first.status_code, second.status_code) == (204, 204)
        assert (await order_of(harness, order.id)).status == OrderStatus.REFUNDED
        assert len(await harness.outbox(PAID)) == 1
        assert len(await harness.outbox(REFUNDED)) == 1


def notification(channel: Channel, resource: dict[str, Any]) -> bytes:
    _, body = channel.simulator.build_notification(
        event_type=EventType.TRANSACTION_SUCCESS,
        summary="支付成功",
        original_type="transaction",
        resource=resource,
    )
    return body
