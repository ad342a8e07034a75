"""Quota rules: the year is China's, places never go below zero."""

from __future__ import annotations

from datetime import UTC, datetime

from registration.quotas.rules import quota_year, remaining


def test_the_quota_year_turns_at_midnight_china_time():
    assert quota_year(datetime(2026, 12, 31, 15, 59, tzinfo=UTC)) == 2026
    assert quota_year(datetime(2026, 12, 31, 16, 0, tzinfo=UTC)) == 2027  # 00:00 in Beijing


def test_remaining_places():
    assert remaining(20, 5) == 15
    assert remaining(20, 20) == 0
    assert remaining(3, 5) == 0  # the province lowered a quota already used beyond it
