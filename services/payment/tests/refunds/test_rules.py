"""Refund rules: numbering, back-off, the state machine."""

from __future__ import annotations

from datetime import timedelta

import pytest

from payment.refunds.rules import (
    STATES,
    TRANSITIONS,
    RefundState,
    out_refund_no,
    retry_delay,
)
from skillcert.errors import Conflict


class TestNumbering:
    def test_out_refund_no_is_the_order_number_and_sequence(self):
        assert out_refund_no("SC20260501ABCDEF", 1) == "SC20260501ABCDEFR1"
        assert out_refund_no("SC20260501ABCDEF", 2) == "SC20260501ABCDEFR2"

    def test_fits_the_provider_limit(self):
        assert len(out_refund_no("S" * 32, 99)) <= 64


class TestBackoff:
    def test_doubles_per_failure_and_is_capped(self):
        base, cap = timedelta(seconds=30), timedelta(minutes=5)
        delays = [retry_delay(n, base, cap) for n in range(1, 7)]
        assert delays == [
            timedelta(seconds=30),
            timedelta(seconds=60),
            timedelta(seconds=120),
            timedelta(seconds=240),
            timedelta(minutes=5),
            timedelta(minutes=5),
        ]

    def test_a_long_outage_does_not_overflow(self):
        assert retry_delay(10_000, timedelta(seconds=30), timedelta(hours=1)) == timedelta(hours=1)


class TestStateMachine:
    def test_final_states_go_nowhere(self):
        assert TRANSITIONS[RefundState.SUCCEEDED] == frozenset()
        assert TRANSITIONS[RefundState.CLOSED] == frozenset()

    def test_abnormal_can_still_succeed(self):
        assert STATES.allows(RefundState.ABNORMAL, RefundState.SUCCEEDED)

    def test_succeeded_cannot_be_closed(self):
        with pytest.raises(Conflict):
            STATES.transition(RefundState.SUCCEEDED, RefundState.CLOSED)
