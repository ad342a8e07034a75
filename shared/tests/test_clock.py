"""The clock: UTC now, China time for people and for calendar days."""

from datetime import UTC, date, datetime, timedelta

import pytest

from skillcert.clock import CHINA, china_now, china_today, format_china, in_china, utcnow


def test_now_is_aware_utc():
    assert utcnow().utcoffset() == timedelta(0)
    assert china_now().utcoffset() == timedelta(hours=8)
    assert abs(china_now() - utcnow()) < timedelta(seconds=5)


def test_a_utc_time_is_written_as_china_time():
    assert format_china(datetime(2026, 12, 7, 10, 41, 59, tzinfo=UTC)) == "2026-12-07 18:41"
    assert format_china(datetime(2026, 12, 31, 16, 0, tzinfo=UTC)) == "2027-01-01 00:00"


def test_the_day_is_the_day_in_china():
    assert china_today(datetime(2025, 12, 31, 17, 0, tzinfo=UTC)) == date(2026, 1, 1)
    assert china_today(datetime(2026, 1, 1, 0, 0, tzinfo=CHINA)) == date(2026, 1, 1)


def test_a_naive_time_is_refused():
    with pytest.raises(ValueError, match="naive"):
        in_china(datetime(2026, 12, 7, 10, 41))
    with pytest.raises(ValueError):
        format_china(datetime(2026, 12, 7, 10, 41))
