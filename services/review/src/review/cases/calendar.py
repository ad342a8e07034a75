"""The review deadline (审核时限) in Chinese working days, with the holidays and make-up days
of chinese-calendar."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import chinese_calendar

from skillcert.clock import in_china

log = logging.getLogger("review.calendar")

# --- due date (审核时限) ---------------------------------------------------------------------

# Working days are Beijing calendar days (`skillcert.clock.CHINA`).


def is_workday(day: date) -> bool:
    """Chinese working day (调休 included); outside the years the calendar knows, Mon–Fri."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        log.warning("no holiday calendar for %s; counting Monday to Friday", day.year)
        return day.weekday() < 5


def due_at(
    submitted_at: datetime,
    working_days: int,
    workday: Callable[[date], bool] = is_workday,
) -> datetime:
    """The review deadline: the same Beijing clock time on the `working_days`-th working day
    after the day of submission (weekends and public holidays skipped, make-up days counted)."""
    local = in_china(submitted_at)
    day = local.date()
    counted = 0
    while counted < working_days:
        day += timedelta(days=1)
        if workday(day):
            counted += 1
    return datetime.combine(day, local.timetz()).astimezone(UTC)
