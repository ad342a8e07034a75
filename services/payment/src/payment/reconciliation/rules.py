"""Reconciliation rules: reading the provider's trade bill, comparing it with our orders, and
when the daily run happens. No I/O.

The bill (交易账单, bill_type ALL) as the provider formats it: a header line of column names,
one line per trade with every field prefixed by a backtick (so spreadsheets keep long numbers
intact), then a summary header (总交易单数,…) and one summary line, backtick-prefixed too.
Amounts are yuan with two decimals, times Beijing local time.

Differences, per bill date (a Beijing day):
* missing_here: paid there, not here. Settled here (paid + OrderPaid, through the same checks
  as a notification) when the order exists and the amount matches; reported otherwise.
* amount_mismatch: paid there with another amount than our order's: reported only.
* missing_there: paid here (by the provider, that day) but not in the bill: reported only.
Refund lines are counted but not compared (refund results arrive by notification).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from skillcert.clock import CHINA

SUMMARY_MARKER = "总交易单数"
_REQUIRED = ("交易时间", "公众账号ID", "商户号", "微信订单号", "商户订单号", "交易状态", "货币种类")
_AMOUNT_COLUMNS = ("订单金额", "应结订单金额")


class BillFormatError(ValueError):
    """The bill text is not laid out as the provider formats it."""


class RunTrigger(StrEnum):
    SCHEDULED = "scheduled"
    MANUAL = "manual"


class RunStatus(StrEnum):
    SUCCEEDED = "succeeded"
    FAILED = "failed"  # the bill could not be fetched or read; nothing was compared


class FindingKind(StrEnum):
    MISSING_HERE = "missing_here"  # 对方已付、我方未付
    AMOUNT_MISMATCH = "amount_mismatch"  # 金额不符
    MISSING_THERE = "missing_there"  # 我方已付、对方无记录


class FindingAction(StrEnum):
    SETTLED = "settled"  # marked paid here from the bill
    REPORTED = "reported"  # for people to look at


@dataclass(frozen=True)
class BillLine:
    line: int
    trade_time: datetime
    appid: str
    mchid: str
    transaction_id: str
    out_trade_no: str
    trade_state: str
    currency: str
    total_fen: int


@dataclass(frozen=True)
class Bill:
    lines: list[BillLine]

    @property
    def payments(self) -> list[BillLine]:
        return [line for line in self.lines if line.trade_state == "SUCCESS"]


@dataclass(frozen=True)
class OrderView:
    """What the comparison needs of one of our orders."""

    out_trade_no: str
    amount_fen: int
    settled: bool


@dataclass(frozen=True)
class Difference:
    kind: FindingKind
    out_trade_no: str
    provider: BillLine | None = None
    ours: OrderView | None = None


def _split(line: str) -> list[str]:
    """A backtick-prefixed line: the provider does not quote, so a comma inside a field
    (a product name) is only told apart from a separator by the backtick that follows."""
    if not line.startswith("`"):
        return [cell.strip() for cell in line.split(",")]
    return line[1:].split(",`")


def yuan_to_fen(value: str) -> int:
    try:
        fen = Decimal(value) * 100
    except InvalidOperation:
        raise BillFormatError(f"amount {value!r} is not a number") from None
    if fen != fen.to_integral_value():
        raise BillFormatError(f"amount {value!r} has more than two decimals")
    return int(fen)


def parse_trade_bill(text: str) -> Bill:
    rows = [line for line in text.lstrip("\ufeff").splitlines() if line.strip()]
    if not rows:
        raise BillFormatError("empty bill")
    header = [name.strip() for name in rows[0].split(",")]
    missing = [name for name in _REQUIRED if name not in header]
    amount_column = next((name for name in _AMOUNT_COLUMNS if name in header), None)
    if missing or amount_column is None:
        raise BillFormatError(f"bill header lacks {', '.join(missing) or '订单金额'}")
    index = {name: position for position, name in enumerate(header)}
    lines: list[BillLine] = []
    summary_at: int | None = None
    for number, raw in enumerate(rows[1:], start=2):
        if raw.startswith(SUMMARY_MARKER):
            summary_at = number
            break
        values = _split(raw)
        if len(values) != len(header):
            raise BillFormatError(f"line {number} has {len(values)} fields, expected {len(header)}")

        def get(name: str, values: list[str] = values) -> str:
            return values[index[name]].strip()

        try:
            moment = datetime.strptime(get("交易时间"), "%Y-%m-%d %H:%M:%S")
        except ValueError:
            raise BillFormatError(f"line {number}: bad 交易时间") from None
        lines.append(
            BillLine(
                line=number,
                trade_time=moment.replace(tzinfo=CHINA),
                appid=get("公众账号ID"),
                mchid=get("商户号"),
                transaction_id=get("微信订单号"),
                out_trade_no=get("商户订单号"),
                trade_state=get("交易状态"),
                currency=get("货币种类") or "CNY",
                total_fen=yuan_to_fen(get(amount_column) or "0"),
            )
        )
    if summary_at is None or len(rows) <= summary_at:
        raise BillFormatError("bill has no summary")
    summary = [cell.strip() for cell in _split(rows[summary_at])]
    if not summary or summary[0] != str(len(lines)):
        # The summary counts the trade lines: a truncated file shows up here.
        raise BillFormatError(f"summary counts {summary[:1]}, the bill has {len(lines)} lines")
    return Bill(lines)


def compare(
    payments: Iterable[BillLine], known: dict[str, OrderView], paid_here: Iterable[OrderView]
) -> tuple[list[Difference], int]:
    """Differences between the bill's payments and our orders; also how many matched.

    ``known`` are our orders named in the bill, ``paid_here`` those we hold as paid by the
    provider on the bill date."""
    differences: list[Difference] = []
    matched = 0
    seen: set[str] = set()
    for line in payments:
        seen.add(line.out_trade_no)
        ours = known.get(line.out_trade_no)
        if ours is not None and ours.amount_fen != line.total_fen:
            differences.append(
                Difference(FindingKind.AMOUNT_MISMATCH, line.out_trade_no, line, ours)
            )
        elif ours is None or not ours.settled:
            differences.append(Difference(FindingKind.MISSING_HERE, line.out_trade_no, line, ours))
        else:
            matched += 1
    for order in paid_here:
        if order.out_trade_no not in seen:
            differences.append(
                Difference(FindingKind.MISSING_THERE, order.out_trade_no, None, order)
            )
    return differences, matched


def day_bounds(bill_date: date) -> tuple[datetime, datetime]:
    """A bill covers one Beijing calendar day."""
    start = datetime.combine(bill_date, time(0), CHINA)
    return start, start + timedelta(days=1)


def yesterday(at: datetime) -> date:
    return at.astimezone(CHINA).date() - timedelta(days=1)


def next_run_at(at: datetime, run_time: time) -> datetime:
    """The next moment (after ``at``) the clock in Beijing shows ``run_time``."""
    local = at.astimezone(CHINA)
    candidate = datetime.combine(local.date(), run_time, CHINA)
    if candidate <= local:
        candidate += timedelta(days=1)
    return candidate


def bill_date_problem(bill_date: date, at: datetime) -> str | None:
    """The provider keeps bills of the last three months, from the day after."""
    today = at.astimezone(CHINA).date()
    if bill_date >= today:
        return "只能核对昨天及以前的账单"
    if bill_date < today - timedelta(days=90):
        return "只能核对最近三个月的账单"
    return None
