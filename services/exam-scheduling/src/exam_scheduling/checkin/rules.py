"""Check-in: how a candidate's marks from several devices become one attendance. No I/O.

The rule (documented in docs/architecture.md, "Check-in"): marks are facts from devices that
may have been offline, synced in any order, so the result must not depend on the order.
- A present mark (签到) is evidence the candidate was seen; an absent mark (缺考) is only that
  one device did not see them. Any present mark wins over every absent mark.
- Several present marks merge into one check-in at the earliest marked time.
- With no present mark, an absent mark makes the candidate absent; with no mark at all the
  candidate is absent when the session closes.
Every mark is kept (the history), the ones that lost included.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID


class Mark(StrEnum):
    PRESENT = "present"  # 已签到
    ABSENT = "absent"  # 缺考


class Outcome(StrEnum):
    ACCEPTED = "accepted"  # stored
    DUPLICATE = "duplicate"  # this record id was synced before: nothing changed
    LATE = "late"  # stored after the session closed: kept, too late for the absentee list
    UNKNOWN_TICKET = "unknown_ticket"  # no such candidate in this room and session


#: The job closes a session this long after it ended: time for the last devices to sync.
AUTO_CLOSE_AFTER = timedelta(minutes=30)
#: A device clock this far ahead of the server is wrong, not early.
MAX_CLOCK_AHEAD = timedelta(minutes=10)
MAX_BATCH = 500


@dataclass(frozen=True)
class MarkFact:
    application_id: UUID
    status: str
    marked_at: datetime


@dataclass(frozen=True)
class Attendance:
    status: Mark
    at: datetime


def attendance(marks: Iterable[MarkFact]) -> dict[UUID, Attendance]:
    """Each marked candidate's attendance by the rule above."""
    present: dict[UUID, datetime] = {}
    absent: dict[UUID, datetime] = {}
    for m in marks:
        into = present if m.status == Mark.PRESENT else absent
        if m.application_id not in into or m.marked_at < into[m.application_id]:
            into[m.application_id] = m.marked_at
    result = {a: Attendance(Mark.ABSENT, at) for a, at in absent.items()}
    result.update({a: Attendance(Mark.PRESENT, at) for a, at in present.items()})
    return result


def may_close(starts_at: datetime, at: datetime) -> bool:
    """An invigilator closes a session once it has started (everyone who came is in)."""
    return at >= starts_at


def due_for_auto_close(ends_at: datetime, at: datetime) -> bool:
    return at >= ends_at + AUTO_CLOSE_AFTER
