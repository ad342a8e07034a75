"""Time: stored and compared as timezone-aware UTC, shown to people and counted in days in
China time.

Code that needs a fixed time takes it as an argument (`at`, `now`) with `utcnow()` as what
the caller passes in production; tests pass the time they need. There is no global override.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Final

#: China time (Beijing, UTC+8). China has kept no daylight saving since 1991, so a fixed
#: offset is exact for every time the platform handles and needs no tz database in the image.
CHINA: Final = timezone(timedelta(hours=8), "Asia/Shanghai")

#: How a time is written in a text a person reads (SMS, inbox, messages in Chinese).
CHINA_FORMAT: Final = "%Y-%m-%d %H:%M"


def utcnow() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


def china_now() -> datetime:
    """The current time as China time (for protocols that speak it, e.g. WeChat Pay's
    `+08:00` timestamps)."""
    return utcnow().astimezone(CHINA)


def in_china(at: datetime) -> datetime:
    """`at` as China time. A naive datetime is refused: its zone would be a guess (the
    server's own, UTC in a container)."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"naive datetime {at!r}: the zone is unknown")
    return at.astimezone(CHINA)


def china_today(at: datetime | None = None) -> date:
    """The calendar day in China at `at` (now when omitted)."""
    return in_china(at if at is not None else utcnow()).date()


def format_china(at: datetime) -> str:
    """`at` for a person: China time as `2026-12-08 02:41` (minutes; no zone written, every
    reader is in China)."""
    return in_china(at).strftime(CHINA_FORMAT)
