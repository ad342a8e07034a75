"""The provider's payment notification: real crypto end to end, and every way it can be bad."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from sqlalchemy import select

from payment.orders.models import Order
from payment.orders.rules import OrderStatus
from payment.provider import (
    EventType,
    encrypt_resource,
    platform_signature_headers,
)
from skillcert.events import OrderPaid
from skillcert.testing import ServiceHarness
from skillcert_devtools.wechatpay import DevKeySet, generate_test_keys
from tests.support import FEE_FEN, SCAN_AND_PAY, WEBHOOK, Channel, Payable, orders, payable


@pytest.fixture(scope="module")
def stranger_keys() -> DevKeySet:
    """Keys of some other party: right format, wrong owner."""
    return generate_test_keys()


def transaction(channel: Channel, out_trade_no: str, **changes: Any) -> dict[str, Any]:
    """A TRANSACTION.SUCCESS resource as the provider sends it."""
    resource: dict[str, Any] = {
        "appid": channel.appid,
        "mchid": channel.mchid,
        "out_trade_no": out_trade_no,
        "transaction_id": "4200000000000000000000000001",
        "trade_type": "NATIVE",
        "trade_state": "SUCCESS",
        "trade_state_desc": "支付成功",
        "bank_type": "OTHERS",
        "success_time": "2026-11-23T10:00:00+08:00",
        "payer": {"openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"},
        "amount": {"total": FEE_FEN, "payer_total": FEE_FEN, "currency": "CNY"},
    }
    resource.update(changes)
    return resource


def notification(channel: Channel, resource: dict[str, Any]) -> bytes:
    _, body = channel.simulator.build_notification(
        event_type=EventType.TRANSACTION_SUCCESS,
        summary="支付成功",
        original_type="transaction",
        resource=resource,
    )
    return body


async def pending_order(harness: ServiceHarness) -> tuple[Payable, dict[str, Any]]:
    app = await payable(harness)
    response = await app.create_order()
    assert response.status_code == 201, response.text
    return app, response.json()


async def post(harness: ServiceHarness, body: bytes, headers: dict[str, str]):  # type: ignore[no-untyped-def]
    return await harness.client.post(
        WEBHOOK, content=body, headers={"Content-Type": "application/json", **headers}
    )


async def assert_rejected_and_unchanged(
    harness: ServiceHarness, response, status: int, order_id: str
) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.json()["code"] == "FAIL"
    [order] = await orders(harness)
    assert str(order.id) == order_id
    assert order.status == OrderStatus.PENDING
    assert order.paid_at is None
    assert await harness.outbox() == []


class TestPaymentNotification:
    async def test_scan_and_pay_marks_the_order_paid_and_records_order_paid(
        self, harness: ServiceHarness
    ):
        app, order = await pending_order(harness)
        paid = await harness.provider.post(
            SCAN_AND_PAY, json={"out_trade_no": order["out_trade_no"]}
        )
        assert paid.status_code == 200, paid.text
        result = paid.json()
        assert result["trade_state"] == "SUCCESS"
        assert result["notification"]["delivered"] is True
        assert [a["status_code"] for a in result["notification"]["attempts"]] == [204]

        seen = (
            await harness.client.get(
                f"/api/v1/payment/orders/{order['order_id']}", headers=app.headers
            )
        ).json()
        assert seen["status"] == "paid"
        assert seen["paid_at"] is not None
        assert seen["code_url"] is None and seen["qr_svg"] is None
        [event] = await harness.outbox(OrderPaid.model_fields["type"].default)
        assert isinstance(event, OrderPaid)
        assert str(event.order_id) == order["order_id"]
        assert event.application_id == app.application_id
        assert event.candidate_id == app.candidate_id
        assert event.plan_id == app.plan_id
        assert event.amount_fen == FEE_FEN
        assert event.provider_transaction_id == result["transaction_id"]

    async def test_duplicate_notifications_pay_once(self, harness: ServiceHarness):
        _, order = await pending_order(harness)
        paid = await harness.provider.post(
            SCAN_AND_PAY, json={"out_trade_no": order["out_trade_no"], "duplicates": 2}
        )
        attempts = paid.json()["notification"]["attempts"]
        assert [(a["copy"], a["status_code"]) for a in attempts] == [(0, 204), (1, 204), (2, 204)]
        [stored] = await orders(harness)
        assert stored.status == OrderStatus.PAID
        assert len(await harness.outbox()) == 1

    async def test_forged_signature_is_rejected(
        self, harness: ServiceHarness, channel: Channel, stranger_keys: DevKeySet
    ):
        _, order = await pending_order(harness)
        body = notification(channel, transaction(channel, order["out_trade_no"]))
        # Signed by someone else, presented under the real platform serial.
        headers = platform_signature_headers(
            body, stranger_keys.platform_private_key, channel.simulator.platform_serial
        )
        response = await post(harness, body, headers)
        await assert_rejected_and_unchanged(harness, response, 401, order["order_id"])
        assert response.json()["message"] == "bad_signature"

    async def test_tampered_body_is_rejected(self, harness: ServiceHarness, channel: Channel):
        _, order = await pending_order(harness)
        body = notification(channel, transaction(channel, order["out_trade_no"]))
        headers = channel.simulator.sign(body)
        # Same JSON, different bytes: the signature covers the raw body.
        response = await post(harness, body.replace(b",", b", ", 1), headers)
        await assert_rejected_and_unchanged(harness, response, 401, order["order_id"])

    async def test_unknown_serial_is_rejected(
        self, harness: ServiceHarness, channel: Channel, stranger_keys: DevKeySet
    ):
        _, order = await pending_order(harness)
        body = notification(channel, transaction(channel, order["out_trade_no"]))
        headers = platform_signature_headers(
            body, stranger_keys.platform_private_key, stranger_keys.platform_serial
        )
        response = await post(harness, body, headers)
        await assert_rejected_and_unchanged(harness, response, 401, order["order_id"])
        assert response.json()["message"] == "unknown_serial"

    async def test_stale_timestamp_is_rejected(self, harness: ServiceHarness, channel: Channel):
        _, order = await pending_order(harness)
        body = notification(channel, transaction(channel, order["out_trade_no"]))
        headers = platform_signature_headers(
            body,
            channel.simulator.platform_private_key,
            channel.simulator.platform_serial,
            timestamp=int(time.time()) - 600,
        )
        response = await post(harness, body, headers)
        await assert_rejected_and_unchanged(harness, response, 401, order["order_id"])
        assert response.json()["message"] == "timestamp_skew"

    async def test_signtest_probe_is_rejected(self, harness: ServiceHarness, channel: Channel):
        _, order = await pending_order(harness)
        body = notification(channel, transaction(channel, order["out_trade_no"]))
        headers = channel.simulator.sign(body)
        headers["Wechatpay-Signature"] = "WECHATPAY/SIGNTEST/" + headers["Wechatpay-Signature"]
        response = await post(harness, body, headers)
        await assert_rejected_and_unchanged(harness, response, 401, order["order_id"])
        assert response.json()["message"] == "signature_test_probe"

    async def test_missing_signature_headers_are_rejected(
        self, harness: ServiceHarness, channel: Channel
    ):
        _, order = await pending_order(harness)
        body = notification(channel, transaction(channel, order["out_trade_no"]))
        response = await post(harness, body, {})
        await assert_rejected_and_unchanged(harness, response, 401, order["order_id"])
        assert response.json()["message"] == "missing_header"

    async def test_undecryptable_resource_is_rejected(
        self, harness: ServiceHarness, channel: Channel, stranger_keys: DevKeySet
    ):
        _, order = await pending_order(harness)
        body = notification(channel, transaction(channel, order["out_trade_no"]))
        # Properly signed, but sealed with another merchant's APIv3 key.
        envelope = json.loads(body)
        envelope["resource"] = encrypt_resource(
            transaction(channel, order["out_trade_no"]),
            stranger_keys.api_v3_key,
            original_type="transaction",
            associated_data="transaction",
        )
        forged = json.dumps(envelope, separators=(",", ":")).encode()
        response = await post(harness, forged, channel.simulator.sign(forged))
        await assert_rejected_and_unchanged(harness, response, 400, order["order_id"])

    async def test_malformed_envelope_is_rejected(self, harness: ServiceHarness, channel: Channel):
        _, order = await pending_order(harness)
        body = b'{"id":"x"}'
        response = await post(harness, body, channel.simulator.sign(body))
        await assert_rejected_and_unchanged(harness, response, 400, order["order_id"])

    async def test_amount_mismatch_is_rejected(self, harness: ServiceHarness, channel: Channel):
        _, order = await pending_order(harness)
        resource = transaction(
            channel, order["out_trade_no"], amount={"total": 1, "payer_total": 1, "currency": "CNY"}
        )
        body = notification(channel, resource)
        response = await post(harness, body, channel.simulator.sign(body))
        await assert_rejected_and_unchanged(harness, response, 400, order["order_id"])

    async def test_other_merchant_is_rejected(self, harness: ServiceHarness, channel: Channel):
        _, order = await pending_order(harness)
        body = notification(
            channel, transaction(channel, order["out_trade_no"], mchid="1230000109")
        )
        response = await post(harness, body, channel.simulator.sign(body))
        await assert_rejected_and_unchanged(harness, response, 400, order["order_id"])

    async def test_success_event_with_unpaid_trade_state_is_rejected(
        self, harness: ServiceHarness, channel: Channel
    ):
        _, order = await pending_order(harness)
        resource = transaction(channel, order["out_trade_no"], trade_state="NOTPAY")
        body = notification(channel, resource)
        response = await post(harness, body, channel.simulator.sign(body))
        await assert_rejected_and_unchanged(harness, response, 400, order["order_id"])

    async def test_unknown_order_is_404(self, harness: ServiceHarness, channel: Channel):
        _, order = await pending_order(harness)
        body = notification(channel, transaction(channel, "SC20261123UNKNOWN0000000000000"))
        response = await post(harness, body, channel.simulator.sign(body))
        await assert_rejected_and_unchanged(harness, response, 404, order["order_id"])

    async def test_payment_for_an_expired_order_is_honoured_and_flagged(
        self, harness: ServiceHarness, channel: Channel
    ):
        _, order = await pending_order(harness)
        async with harness.ctx.sessionmaker() as session:
            stored = (await session.execute(select(Order))).scalar_one()
            stored.status = OrderStatus.EXPIRED
            await session.commit()
        body = notification(channel, transaction(channel, order["out_trade_no"]))
        response = await post(harness, body, channel.simulator.sign(body))
        assert response.status_code == 204
        [stored] = await orders(harness)
        assert stored.status == OrderStatus.PAID
        assert stored.refund_review == "late"
        assert len(await harness.outbox()) == 1
