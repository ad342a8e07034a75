"""Quota rules (指标). Pure functions, no I/O.

* A quota is the headcount a province approved for an institution, certificate and calendar
  year; it is void after 31 December, China time: no carry-over. The year a registration (报考)
  counts against is the China-time year of the moment it is made.
* Each student registered for an exam plan of the certificate uses one place, whatever the
  number of the plan's subjects; deleting the registration gives the place back, and so does
  the cancellation of the plan.
"""

from __future__ import annotations

from datetime import datetime

from skillcert.clock import china_today


def quota_year(at: datetime) -> int:
    """The quota year of a registration made at `at`: the calendar year in China."""
    return china_today(at).year


def remaining(approved_headcount: int, used: int) -> int:
    """Places left; never below zero (a province may lower a quota already partly used)."""
    return max(approved_headcount - used, 0)
