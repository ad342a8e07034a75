"""The refund job against the simulator: submit, fail, back off, retry."""

from __future__ import annotations

from datetime import timedelta

import pytest

from payment.provider import RefundStatus
from payment.refunds.rules import RefundState
from payment.wechat import WeChatPay
from skillcert.events import utcnow
from skillcert.testing import ServiceHarness
from tests.refunds.helpers import refunds, submit, withdrawal
from tests.support import paid_application


class TestRefundJob:
    async def test_a_requested_refund_is_submitted_to_the_provider(
        self, harness: ServiceHarness, channel: WeChatPay
    ):
        app, order = await paid_application(harness)
        await harness.deliver(withdrawal(app))
        assert await submit(harness) == {"accepted": 1}
        [refund] = await refunds(harness)
        assert refund.status == RefundState.PROCESSING
        assert refund.attempts == 1 and refund.next_attempt_at is None
        assert channel.simulator is not None
        at_provider = channel.simulator.refunds[refund.out_refund_no]
        assert at_provider.out_trade_no == order.out_trade_no
        assert (at_provider.refund, at_provider.total) == (order.amount_fen, order.amount_fen)
        assert at_provider.status is RefundStatus.PROCESSING
        assert at_provider.notify_url == "http://testserver/api/v1/payment/webhooks/wechatpay"
        assert refund.provider_refund_id == at_provider.refund_id
        # Nothing more is due: a second pass does not call the provider again.
        assert await submit(harness) == {}

    async def test_failed_calls_back_off_and_are_retried(
        self, harness: ServiceHarness, channel: WeChatPay, monkeypatch: pytest.MonkeyPatch
    ):
        app, _ = await paid_application(harness)
        await harness.deliver(withdrawal(app))
        assert channel.simulator is not None
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
        self, harness: ServiceHarness, channel: WeChatPay
    ):
        """The provider accepted, our transaction was lost: the retry reuses out_refund_no,
        which the provider answers with the same refund."""
        app, _ = await paid_application(harness)
        await harness.deliver(withdrawal(app))
        [refund] = await refunds(harness)
        assert channel.simulator is not None
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
