"""The order state machine and order rules (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from payment.orders.rules import (
    STATES,
    TRANSITIONS,
    OrderStatus,
    due_for_active_query,
    new_out_trade_no,
    order_description,
    transaction_mismatches,
)
from payment.provider import Transaction
from skillcert.errors import Conflict

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 10:00 in Beijing


class TestTransitions:
    def test_every_status_has_a_row(self):
        assert set(TRANSITIONS) == set(OrderStatus)

    @pytest.mark.parametrize(
        ("current", "target"),
        [
            ("pending", OrderStatus.PAID),
            ("pending", OrderStatus.EXPIRED),
            ("pending", OrderStatus.CLOSED),
            ("expired", OrderStatus.PAID),
            ("closed", OrderStatus.PAID),
            ("paid", OrderStatus.REFUNDING),
            ("refunding", OrderStatus.REFUNDED),
        ],
    )
    def test_allowed(self, current: str, target: OrderStatus):
        STATES.transition(OrderStatus(current), target)

    @pytest.mark.parametrize(
        ("current", "target"),
        [
            ("paid", OrderStatus.EXPIRED),
            ("paid", OrderStatus.PENDING),
            ("expired", OrderStatus.PENDING),
            ("refunded", OrderStatus.PAID),
            ("pending", OrderStatus.REFUNDING),
        ],
    )
    def test_forbidden(self, current: str, target: OrderStatus):
        with pytest.raises(Conflict):
            STATES.transition(OrderStatus(current), target)


class TestOrderNumbers:
    def test_out_trade_no_fits_the_provider_charset_and_length(self):
        number = new_out_trade_no(NOW)
        assert len(number) == 32 and number.isalnum() and number.startswith("SC20261123")
        assert new_out_trade_no(NOW) != number

    def test_description_is_cut_to_the_provider_limit(self):
        assert len(order_description("很长的标题" * 40)) == 127


class TestActiveQuery:
    def test_only_within_the_window_and_not_too_often(self):
        window, interval = timedelta(minutes=5), timedelta(minutes=1)
        soon = NOW + timedelta(minutes=3)
        assert due_for_active_query(soon, None, NOW, window, interval)
        assert not due_for_active_query(NOW + timedelta(minutes=20), None, NOW, window, interval)
        assert not due_for_active_query(soon, NOW - timedelta(seconds=30), NOW, window, interval)
        assert due_for_active_query(soon, NOW - timedelta(minutes=2), NOW, window, interval)


class TestTransactionMatches:
    def txn(self, **changes: object) -> Transaction:
        data: dict[str, object] = {
            "appid": "wx1",
            "mchid": "190",
            "out_trade_no": "SC123456",
            "trade_state": "SUCCESS",
            "amount": {"total": 100, "currency": "CNY"},
        }
        return Transaction.model_validate({**data, **changes})

    def test_matching(self):
        assert transaction_mismatches(self.txn(), appid="wx1", mchid="190", amount_fen=100) == []

    def test_each_mismatch_is_named(self):
        txn = self.txn(appid="wx2", mchid="191", amount={"total": 1, "currency": "USD"})
        problems = transaction_mismatches(txn, appid="wx1", mchid="190", amount_fen=100)
        assert len(problems) == 4
