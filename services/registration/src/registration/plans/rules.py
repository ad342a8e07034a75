"""Plan rules: when a plan takes registrations and what its conditions require. No I/O."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

# Every condition needs the white-background photo (白底证件照), whatever else it lists.
ALWAYS_REQUIRED: tuple[str, ...] = ("photo",)


def aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; everything stored here is UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def window_open(opens_at: datetime, closes_at: datetime, now: datetime) -> bool:
    """The registration window (报名时间) includes its opening instant, not its closing one."""
    return aware(opens_at) <= now < aware(closes_at)


def condition_codes(conditions: Iterable[Mapping[str, Any]]) -> list[str]:
    return [str(c["code"]) for c in conditions]


def find_condition(
    conditions: Iterable[Mapping[str, Any]], code: str | None
) -> Mapping[str, Any] | None:
    return next((c for c in conditions if c["code"] == code), None)


def required_materials(conditions: Iterable[Mapping[str, Any]], code: str | None) -> list[str]:
    """Materials (所需材料) of the chosen eligibility condition, the photo first, no repeats."""
    condition = find_condition(conditions, code)
    listed = list(condition.get("required_materials") or []) if condition else []
    return list(dict.fromkeys([*ALWAYS_REQUIRED, *listed]))


def materials_of_any_condition(conditions: Iterable[Mapping[str, Any]]) -> set[str]:
    return {m for c in conditions for m in (c.get("required_materials") or [])}


def mail_in_deadline(registration_closes_at: datetime) -> datetime:
    """Seed 004: the paper forms must arrive within the registration period (考试报名期限内).
    The plan event carries no deadline of its own yet, so the period's end is the deadline."""
    return aware(registration_closes_at)
