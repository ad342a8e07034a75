"""Seat allocation rules: the allocation state machine, seat choice, ticket numbers. No I/O."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from skillcert.clock import in_china
from skillcert.states import StateMachine

# Exam years are counted on Beijing time: a 2027-01-01 00:30 (+08:00) exam belongs to 2027.


class AllocationStatus(StrEnum):
    WAITING = "waiting"  # 待排考: paid, no free seat yet
    SCHEDULED = "scheduled"  # 已排考: room, seat and admission ticket number assigned
    RELEASED = "released"  # 已释放: withdrawn, forfeited or refunded; the seat went back


class AllocationAction(StrEnum):
    SEAT = "seat"  # a seat was assigned
    RELEASE = "release"  # the application will not sit: its seat or place in the queue goes


#: A paid candidate's allocation is created waiting; from there it moves by the table.
CREATED = AllocationStatus.WAITING

# The one table of allowed transitions: (from, action) -> to.
TRANSITIONS: dict[tuple[AllocationStatus, AllocationAction], AllocationStatus] = {
    (AllocationStatus.WAITING, AllocationAction.SEAT): AllocationStatus.SCHEDULED,
    (AllocationStatus.WAITING, AllocationAction.RELEASE): AllocationStatus.RELEASED,
    (AllocationStatus.SCHEDULED, AllocationAction.RELEASE): AllocationStatus.RELEASED,
}


class ReleaseReason(StrEnum):
    WITHDRAWN = "withdrawn"  # 报名撤回
    FORFEITED = "forfeited"  # 纸质材料逾期未到，视为自动放弃
    REFUNDED = "refunded"  # 考试费已退


STATES = StateMachine(
    TRANSITIONS, refusal=lambda current, action: f"考位状态为{current}，不能{action}"
)


def blocks_payment(released_orders: Iterable[UUID | None], order_id: UUID) -> bool:
    """Whether a payment may no longer be seated, given the releases heard for its application:
    a withdrawal or forfeit (no order: the whole application) or a refund of this very order.
    A refund of another order (a duplicate payment) does not stop this one."""
    return any(released is None or released == order_id for released in released_orders)


def first_free_seat(capacity: int, taken: Iterable[int]) -> int | None:
    """Seats are numbered 1..capacity; the lowest free one is given out first."""
    used = set(taken)
    return next((seat for seat in range(1, capacity + 1) if seat not in used), None)


def ticket_number(
    exam_starts_at: datetime, plan_serial: int, site_position: int, room_number: int, seat: int
) -> str:
    """Admission ticket number (准考证号), 16 digits, readable left to right:
    exam year (4) + plan serial (4) + site index in the plan (3) + room number in the site (2)
    + seat (3), e.g. 2026 0007 001 02 015 -> "2026000700102015". Unique because the plan serial
    is unique and (site, room, seat) is unique within a plan; a serial past 9999 only makes the
    number longer, as every other part has a fixed width."""
    year = in_china(exam_starts_at).year
    return f"{year:04d}{plan_serial:04d}{site_position:03d}{room_number:02d}{seat:03d}"
