"""Reading the trade bill as the provider formats it, comparing, scheduling."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from payment.reconciliation.rules import (
    BillFormatError,
    FindingKind,
    OrderView,
    bill_date_problem,
    compare,
    next_run_at,
    parse_trade_bill,
    yesterday,
    yuan_to_fen,
)
from skillcert.clock import CHINA

HEADER = (
    "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,"
    "交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,"
    "充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注"
)
SUMMARY = (
    "总交易单数,应结订单金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额"
)


def line(out_trade_no: str, state: str = "SUCCESS", total: str = "120.00") -> str:
    fields = [
        "2026-05-01 10:00:00", "wxd678efh567hg6787", "1900000109", "0", "",
        "4200000000000000000000000001", out_trade_no, "oUpF8u", "NATIVE", state, "OTHERS",
        "CNY", total, "0.00", "0", "0", "0.00", "0.00", "", "", "考试费,含税", "", "0.72000",
        "0.60%", total, "0.00", "",
    ]  # fmt: skip
    return ",".join(f"`{value}" for value in fields)


def bill(*lines: str, count: int | None = None) -> str:
    summary = (
        f"`{len(lines) if count is None else count},`240.00,`0.00,`0.00,`1.44000,`240.00,`0.00"
    )
    return "\n".join([HEADER, *lines, SUMMARY, summary]) + "\n"


class TestParse:
    def test_backtick_prefixed_lines_and_summary(self):
        parsed = parse_trade_bill(bill(line("SC1"), line("SC2", state="REFUND", total="0.00")))
        first, second = parsed.lines
        assert (first.out_trade_no, first.total_fen, first.trade_state) == ("SC1", 12000, "SUCCESS")
        assert first.trade_time == datetime(2026, 5, 1, 10, tzinfo=CHINA)
        assert first.mchid == "1900000109"
        assert first.transaction_id == "4200000000000000000000000001"
        assert (second.out_trade_no, second.trade_state) == ("SC2", "REFUND")
        assert [p.out_trade_no for p in parsed.payments] == ["SC1"]

    def test_empty_day_has_only_header_and_summary(self):
        assert parse_trade_bill(bill()).lines == []

    def test_truncated_bill_is_refused(self):
        with pytest.raises(BillFormatError, match="summary"):
            parse_trade_bill(bill(line("SC1"), count=2))

    def test_missing_summary_is_refused(self):
        with pytest.raises(BillFormatError, match="summary"):
            parse_trade_bill("\n".join([HEADER, line("SC1")]))

    def test_unknown_layout_is_refused(self):
        with pytest.raises(BillFormatError, match="header"):
            parse_trade_bill("a,b,c\n`1,`2,`3\n")

    def test_fractional_fen_is_refused(self):
        with pytest.raises(BillFormatError):
            yuan_to_fen("1.005")
        assert yuan_to_fen("0.01") == 1


class TestCompare:
    def test_each_kind_of_difference(self):
        parsed = parse_trade_bill(
            bill(line("MATCH"), line("NOTHERE"), line("UNKNOWN"), line("AMOUNT", total="1.00"))
        )
        known = {
            "MATCH": OrderView("MATCH", 12000, True),
            "NOTHERE": OrderView("NOTHERE", 12000, False),
            "AMOUNT": OrderView("AMOUNT", 12000, True),
        }
        paid_here = [known["MATCH"], known["AMOUNT"], OrderView("NOTTHERE", 12000, True)]
        differences, matched = compare(parsed.payments, known, paid_here)
        assert matched == 1
        assert {(d.kind, d.out_trade_no) for d in differences} == {
            (FindingKind.MISSING_HERE, "NOTHERE"),
            (FindingKind.MISSING_HERE, "UNKNOWN"),
            (FindingKind.AMOUNT_MISMATCH, "AMOUNT"),
            (FindingKind.MISSING_THERE, "NOTTHERE"),
        }


class TestSchedule:
    def test_next_run_is_today_before_the_time_and_tomorrow_after(self):
        at = datetime(2026, 5, 1, 1, 0, tzinfo=UTC)  # 09:00 in Beijing
        assert next_run_at(at, time(10, 30)) == datetime(2026, 5, 1, 10, 30, tzinfo=CHINA)
        later = datetime(2026, 5, 1, 3, 0, tzinfo=UTC)  # 11:00 in Beijing
        assert next_run_at(later, time(10, 30)) == datetime(2026, 5, 2, 10, 30, tzinfo=CHINA)

    def test_yesterday_is_the_beijing_calendar_day(self):
        # 2026-05-01 23:30 UTC is already 2 May in Beijing.
        assert yesterday(datetime(2026, 5, 1, 23, 30, tzinfo=UTC)) == date(2026, 5, 1)

    def test_bill_dates_from_yesterday_back_three_months(self):
        at = datetime(2026, 5, 1, 4, tzinfo=UTC)
        assert bill_date_problem(date(2026, 4, 30), at) is None
        assert bill_date_problem(date(2026, 5, 1), at) == "只能核对昨天及以前的账单"
        assert bill_date_problem(date(2026, 5, 1) - timedelta(days=91), at) is not None
