"""The refund jobs against the simulator: submit, fail, back off, retry; query refunds whose
notification was lost and settle them as the notification would have."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from payment.config import PaymentSettings
from payment.orders.rules import OrderStatus, RefundReview
from payment.provider import RefundStatus
from payment.refunds.models import Refund
from payment.refunds.rules import RefundState
from skillcert.clock import utcnow
from skillcert.events import OrderRefunded
from skillcert.testing import ServiceHarness
from tests.refunds.helpers import (
    complete,
    order_of,
    query,
    refunding,
    refunds,
    renotify,
    submit,
    withdrawal,
)
from tests.support import Channel, paid_application

REFUNDED = OrderRefunded.model_fields["type"].default


class TestRefundJob:
    async def test_a_requested_refund_is_submitted_to_the_provider(
        self, harness: ServiceHarness, channel: Channel
    ):
        app, order = await paid_application(harness)
        await harness.deliver(withdrawal(app))
        assert await submit(harness) == {"accepted": 1}
        [refund] = await refunds(harness)
        assert refund.status == RefundState.PROCESSING
        assert refund.attempts == 1 and refund.next_attempt_at is None
        at_provider = channel.simulator.refunds[refund.out_refund_no]
        assert at_provider.out_trade_no == order.out_trade_no
        assert (at_provider.refund, at_provider.total) == (order.amount_fen, order.amount_fen)
        assert at_provider.status is RefundStatus.PROCESSING
        assert at_provider.notify_url == "http://testserver/api/v1/payment/webhooks/wechatpay"
        assert refund.provider_refund_id == at_provider.refund_id
        # Nothing more is due: a second pass does not call the provider again.
        assert await submit(harness) == {}

    async def test_failed_calls_back_off_and_are_retried(
        self, harness: ServiceHarness, channel: Channel, monkeypatch: pytest.MonkeyPatch
    ):
        app, _ = await paid_application(harness)
        await harness.deliver(withdrawal(app))
        real_clock = channel.simulator.clock
        skewed = real_clock() + timedelta(minutes=10)
        # A provider clock 10 minutes off refuses every signed call.
        monkeypatch.setattr(channel.simulator, "clock", lambda: skewed)
        at = utcnow() + timedelta(seconds=1)
        assert await submit(harness, at) == {"failed": 1}
        [refund] = await refunds(harness)
        assert refund.status == RefundState.PENDING
        assert refund.attempts == 1
        assert refund.next_attempt_at == at + timedelta(seconds=30)
        assert refund.last_error is not None and "SIGN_ERROR" in refund.last_error

        # Second failure: the wait doubles.
        second = at + timedelta(seconds=30)
        assert await submit(harness, second) == {"failed": 1}
        [refund] = await refunds(harness)
        assert refund.attempts == 2
        assert refund.next_attempt_at == second + timedelta(seconds=60)

        # Not due yet: left alone.
        assert await submit(harness, second + timedelta(seconds=59)) == {}

        monkeypatch.setattr(channel.simulator, "clock", real_clock)
        assert await submit(harness, second + timedelta(seconds=60)) == {"accepted": 1}
        [refund] = await refunds(harness)
        assert refund.status == RefundState.PROCESSING
        assert refund.attempts == 3
        assert refund.last_error is None
        assert refund.out_refund_no in channel.simulator.refunds

    async def test_a_call_that_reached_the_provider_is_not_refunded_twice(
        self, harness: ServiceHarness, channel: Channel
    ):
        """The provider accepted, our transaction was lost: the retry reuses out_refund_no,
        which the provider answers with the same refund."""
        app, _ = await paid_application(harness)
        await harness.deliver(withdrawal(app))
        [refund] = await refunds(harness)
        first = await channel.client.refund(
            out_trade_no=refund.out_refund_no[:-2],
            out_refund_no=refund.out_refund_no,
            refund_fen=refund.amount_fen,
            total_fen=refund.amount_fen,
        )
        assert await submit(harness) == {"accepted": 1}
        [refund] = await refunds(harness)
        assert refund.provider_refund_id == first.refund_id
        assert channel.simulator.refunded(refund.out_refund_no[:-2]) == refund.amount_fen


def settings_of(harness: ServiceHarness) -> PaymentSettings:
    settings: PaymentSettings = harness.ctx.settings
    return settings


def due_at(harness: ServiceHarness, refund: Refund) -> datetime:
    """The moment the refund has been processing for the configured age."""
    assert refund.submitted_at is not None
    return refund.submitted_at + settings_of(harness).refund_query_age


class TestRefundQueryJob:
    async def test_lost_success_notification_is_recovered(
        self, harness: ServiceHarness, channel: Channel
    ):
        app, order, refund = await refunding(harness)
        lost = await complete(harness, refund.out_refund_no, notify=False)
        assert (lost["status"], lost["notification"]) == ("SUCCESS", None)
        at = due_at(harness, refund)
        assert await query(harness, at) == {"succeeded": 1}

        stored = await order_of(harness, order.id)
        assert stored.status == OrderStatus.REFUNDED
        [done] = await refunds(harness)
        assert (done.status, done.last_queried_at) == (RefundState.SUCCEEDED, at)
        success_time = channel.simulator.refunds[refund.out_refund_no].success_time
        assert success_time is not None
        # The provider's success time (whole seconds on the wire), not the query's.
        provider_time = success_time.astimezone(UTC).replace(microsecond=0)
        assert done.finished_at == stored.refunded_at == provider_time
        [event] = await harness.outbox(REFUNDED)
        assert isinstance(event, OrderRefunded)
        assert (event.order_id, event.application_id) == (order.id, app.application_id)
        assert (event.amount_fen, event.refunded_at) == (order.amount_fen, done.finished_at)
        # Finished: never asked about again.
        assert await query(harness, at + timedelta(days=1)) == {}

    async def test_the_late_notification_then_changes_and_publishes_nothing(
        self, harness: ServiceHarness
    ):
        _, order, refund = await refunding(harness)
        await complete(harness, refund.out_refund_no, notify=False)
        assert await query(harness, due_at(harness, refund)) == {"succeeded": 1}
        [settled] = await refunds(harness)

        late = await renotify(harness, refund.out_refund_no, duplicates=1)
        assert [(a["copy"], a["status_code"]) for a in late["attempts"]] == [(0, 204), (1, 204)]
        [after] = await refunds(harness)
        assert (after.status, after.finished_at) == (RefundState.SUCCEEDED, settled.finished_at)
        assert (await order_of(harness, order.id)).status == OrderStatus.REFUNDED
        assert len(await harness.outbox(REFUNDED)) == 1

    async def test_query_and_late_notification_at_the_same_moment_publish_once(
        self, harness: ServiceHarness
    ):
        _, order, refund = await refunding(harness)
        await complete(harness, refund.out_refund_no, notify=False)
        queried, late = await asyncio.gather(
            query(harness, due_at(harness, refund)), renotify(harness, refund.out_refund_no)
        )
        assert queried in ({"succeeded": 1}, {})  # {}: the notification held the refund
        assert [a["status_code"] for a in late["attempts"]] == [204]
        assert (await order_of(harness, order.id)).status == OrderStatus.REFUNDED
        assert len(await harness.outbox(REFUNDED)) == 1

    async def test_abnormal_is_flagged_like_its_notification_and_asked_again(
        self, harness: ServiceHarness, channel: Channel
    ):
        _, order, refund = await refunding(harness)
        await complete(harness, refund.out_refund_no, status="ABNORMAL", notify=False)
        at = due_at(harness, refund)
        assert await query(harness, at) == {"abnormal": 1}
        [flagged] = await refunds(harness)
        assert flagged.status == RefundState.ABNORMAL
        assert (await order_of(harness, order.id)).status == OrderStatus.REFUNDING
        assert await harness.outbox(REFUNDED) == []
        # Not asked again before the repeat interval.
        repeat = settings_of(harness).refund_query_repeat
        assert await query(harness, at + repeat - timedelta(seconds=1)) == {}

        # Ops sort it out on the merchant platform; that notification is lost as well.
        channel.simulator.finish_refund(refund.out_refund_no, RefundStatus.SUCCESS)
        assert await query(harness, at + repeat) == {"succeeded": 1}
        assert (await order_of(harness, order.id)).status == OrderStatus.REFUNDED
        assert len(await harness.outbox(REFUNDED)) == 1

    async def test_closed_gives_the_order_back_flagged(self, harness: ServiceHarness):
        _, order, refund = await refunding(harness)
        await complete(harness, refund.out_refund_no, status="CLOSED", notify=False)
        at = due_at(harness, refund)
        assert await query(harness, at) == {"closed": 1}
        stored = await order_of(harness, order.id)
        assert (stored.status, stored.refund_review) == (
            OrderStatus.PAID,
            RefundReview.REFUND_CLOSED,
        )
        [closed] = await refunds(harness)
        assert closed.status == RefundState.CLOSED
        assert await harness.outbox(REFUNDED) == []
        assert await query(harness, at + timedelta(days=1)) == {}

    async def test_still_processing_is_left_and_asked_again_later(self, harness: ServiceHarness):
        _, order, refund = await refunding(harness)
        at = due_at(harness, refund)
        assert await query(harness, at) == {"processing": 1}
        [left] = await refunds(harness)
        assert (left.status, left.last_queried_at) == (RefundState.PROCESSING, at)
        assert (await order_of(harness, order.id)).status == OrderStatus.REFUNDING
        assert await harness.outbox(REFUNDED) == []
        repeat = settings_of(harness).refund_query_repeat
        assert await query(harness, at + repeat - timedelta(seconds=1)) == {}
        assert await query(harness, at + repeat) == {"processing": 1}

    async def test_a_recently_accepted_refund_is_not_asked_about(self, harness: ServiceHarness):
        _, _, refund = await refunding(harness)
        assert await query(harness, due_at(harness, refund) - timedelta(seconds=1)) == {}
        [left] = await refunds(harness)
        assert left.last_queried_at is None

    async def test_a_refund_settled_by_its_notification_is_not_asked_about(
        self, harness: ServiceHarness
    ):
        _, _, refund = await refunding(harness)
        await complete(harness, refund.out_refund_no)
        assert await query(harness, due_at(harness, refund)) == {}
        assert len(await harness.outbox(REFUNDED)) == 1

    async def test_provider_failure_leaves_it_for_the_next_pass(
        self, harness: ServiceHarness, channel: Channel, monkeypatch: pytest.MonkeyPatch
    ):
        _, _, refund = await refunding(harness)
        await complete(harness, refund.out_refund_no, notify=False)
        real_clock = channel.simulator.clock
        skewed = real_clock() + timedelta(minutes=10)
        monkeypatch.setattr(channel.simulator, "clock", lambda: skewed)
        at = due_at(harness, refund)
        assert await query(harness, at) == {"failed": 1}
        [left] = await refunds(harness)
        assert (left.status, left.last_queried_at) == (RefundState.PROCESSING, None)
        monkeypatch.setattr(channel.simulator, "clock", real_clock)
        assert await query(harness, at + timedelta(seconds=1)) == {"succeeded": 1}
