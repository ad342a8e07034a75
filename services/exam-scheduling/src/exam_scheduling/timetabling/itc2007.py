"""The ITC2007 examination track (考试排期基准): its instance format, its solution format and an
evaluator of its hard constraints and soft penalty.

The evaluator follows the competition's definitions (McCollum et al., "The Second International
Timetabling Competition: Examination Timetabling Track", 2007) and is independent of the
solver: it only reads the instance and the assignment.

Soft penalty (each term weighted by the instance's ``[InstitutionalWeightings]``):

* two in a row (连考): per student, two of their exams in consecutive periods of one day;
* two in a day (同日两考): per student, two of their exams on one day, not consecutive;
* period spread (间隔): per student, two of their exams at most ``PERIODSPREAD`` periods apart
  (counted on top of the two above, weight 1);
* mixed durations (时长混排): per room and period, the number of distinct exam durations minus one;
* front load (大考靠前): each of the ``FRONTLOAD`` largest exams (most students; equal sizes in
  file order) placed in one of the last periods;
* period and room penalties: each exam pays its period's and its room's penalty.

A student's pair of exams is counted once per pair, so a pair of exams sharing ``n`` students
counts ``n``.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path


class InstanceFormatError(ValueError):
    """The text is not an ITC2007 examination instance (基准数据格式错误)."""


@dataclass(frozen=True)
class Period:
    """An examination period (考试时段): its date, start time, length in minutes, penalty."""

    day: str
    time: str
    duration: int
    penalty: int


@dataclass(frozen=True)
class Room:
    """An examination room (考场) with its seats and penalty."""

    capacity: int
    penalty: int


@dataclass(frozen=True)
class Weightings:
    """The institutional weightings (机构权重) of the soft penalty."""

    two_in_a_row: int = 0
    two_in_a_day: int = 0
    period_spread: int = 0
    non_mixed_durations: int = 0
    front_load_exams: int = 0
    front_load_periods: int = 0
    front_load: int = 0


@dataclass
class Instance:
    """One examination timetabling problem (考试排期问题).

    ``after`` holds pairs ``(a, b)``: exam ``a`` must take place after exam ``b``.
    """

    durations: list[int]
    students: list[list[int]]
    periods: list[Period]
    rooms: list[Room]
    after: list[tuple[int, int]] = field(default_factory=list)
    coincidence: list[tuple[int, int]] = field(default_factory=list)
    exclusion: list[tuple[int, int]] = field(default_factory=list)
    room_exclusive: list[int] = field(default_factory=list)
    weightings: Weightings = field(default_factory=Weightings)

    @property
    def exam_count(self) -> int:
        return len(self.durations)

    @cached_property
    def sizes(self) -> list[int]:
        """Enrolled students per exam."""
        return [len(set(s)) for s in self.students]

    @cached_property
    def conflicts(self) -> dict[tuple[int, int], int]:
        """Students shared by each pair of exams ``(a, b)``, ``a < b``, that share any."""
        by_student: dict[int, list[int]] = defaultdict(list)
        for exam, students in enumerate(self.students):
            for student in set(students):
                by_student[student].append(exam)
        shared: dict[tuple[int, int], int] = defaultdict(int)
        for exams in by_student.values():
            for a, b in itertools.combinations(sorted(exams), 2):
                shared[(a, b)] += 1
        return dict(shared)

    @cached_property
    def period_days(self) -> list[int]:
        """Day index of each period (periods of one date share it)."""
        days: dict[str, int] = {}
        return [days.setdefault(p.day, len(days)) for p in self.periods]

    @cached_property
    def largest_exams(self) -> frozenset[int]:
        """The exams the front load applies to."""
        count = self.weightings.front_load_exams
        order = sorted(range(self.exam_count), key=lambda e: (-self.sizes[e], e))
        return frozenset(order[:count])

    @cached_property
    def last_periods(self) -> frozenset[int]:
        count = self.weightings.front_load_periods
        n = len(self.periods)
        return frozenset(range(max(0, n - count), n))

    def pair_weight(self, p: int, q: int) -> int:
        """Soft penalty per shared student of two exams in periods ``p`` and ``q`` (p ≠ q)."""
        w = self.weightings
        gap = abs(p - q)
        cost = 1 if 0 < gap <= w.period_spread else 0
        if gap > 0 and self.period_days[p] == self.period_days[q]:
            cost += w.two_in_a_row if gap == 1 else w.two_in_a_day
        return cost


@dataclass(frozen=True)
class Assignment:
    """A timetable (排期结果): period and room index per exam, in exam order."""

    periods: list[int]
    rooms: list[int]


@dataclass(frozen=True)
class HardViolations:
    """Breaches of the hard constraints (硬约束违反), zero everywhere when feasible.

    ``conflicts`` counts shared students of exams in one period; ``room_occupancy`` the
    room-periods seating more than the capacity; ``period_utilisation`` exams longer than their
    period; ``period_related`` broken AFTER/EXAM_COINCIDENCE/EXCLUSION constraints;
    ``room_related`` ROOM_EXCLUSIVE exams sharing their room; ``unassigned`` exams without a
    valid period or room index.
    """

    conflicts: int = 0
    room_occupancy: int = 0
    period_utilisation: int = 0
    period_related: int = 0
    room_related: int = 0
    unassigned: int = 0

    @property
    def total(self) -> int:
        return (
            self.conflicts
            + self.room_occupancy
            + self.period_utilisation
            + self.period_related
            + self.room_related
            + self.unassigned
        )


@dataclass(frozen=True)
class SoftPenalty:
    """The soft penalty (软约束罚分), each component already weighted."""

    two_in_a_row: int = 0
    two_in_a_day: int = 0
    period_spread: int = 0
    mixed_durations: int = 0
    front_load: int = 0
    period_penalty: int = 0
    room_penalty: int = 0

    @property
    def total(self) -> int:
        return (
            self.two_in_a_row
            + self.two_in_a_day
            + self.period_spread
            + self.mixed_durations
            + self.front_load
            + self.period_penalty
            + self.room_penalty
        )


@dataclass(frozen=True)
class Evaluation:
    hard: HardViolations
    soft: SoftPenalty

    @property
    def feasible(self) -> bool:
        return self.hard.total == 0


def _rows(lines: list[str], start: int) -> Iterable[list[str]]:
    for line in lines[start:]:
        if line.startswith("["):
            return
        if line:
            yield [part.strip() for part in line.split(",") if part.strip()]


def _count(header: str) -> int:
    try:
        return int(header.split(":", 1)[1].rstrip("]"))
    except (IndexError, ValueError) as e:
        raise InstanceFormatError(f"bad section header {header!r}") from e


def parse(text: str) -> Instance:
    """Read an instance in the competition's ``.exam`` format."""
    lines = [line.strip() for line in text.splitlines()]
    heads = {
        line.split(":")[0].rstrip("]") + "]": i for i, line in enumerate(lines) if line[:1] == "["
    }
    for required in ("[Exams]", "[Periods]", "[Rooms]"):
        if required not in heads:
            raise InstanceFormatError(f"missing section {required}")
    try:
        exams = list(_rows(lines, heads["[Exams]"] + 1))
        durations = [int(row[0]) for row in exams]
        students = [[int(s) for s in row[1:]] for row in exams]
        periods = [
            Period(day=r[0], time=r[1], duration=int(r[2]), penalty=int(r[3]))
            for r in _rows(lines, heads["[Periods]"] + 1)
        ]
        rooms = [Room(int(r[0]), int(r[1])) for r in _rows(lines, heads["[Rooms]"] + 1)]
        instance = Instance(durations=durations, students=students, periods=periods, rooms=rooms)
        if "[PeriodHardConstraints]" in heads:
            for a, kind, b in _rows(lines, heads["[PeriodHardConstraints]"] + 1):
                pair = (int(a), int(b))
                {
                    "AFTER": instance.after,
                    "EXAM_COINCIDENCE": instance.coincidence,
                    "EXCLUSION": instance.exclusion,
                }[kind].append(pair)
        if "[RoomHardConstraints]" in heads:
            for row in _rows(lines, heads["[RoomHardConstraints]"] + 1):
                if row[1] != "ROOM_EXCLUSIVE":
                    raise InstanceFormatError(f"unknown room constraint {row[1]!r}")
                instance.room_exclusive.append(int(row[0]))
        if "[InstitutionalWeightings]" in heads:
            w: dict[str, list[int]] = {
                row[0]: [int(v) for v in row[1:]]
                for row in _rows(lines, heads["[InstitutionalWeightings]"] + 1)
            }
            front = w.get("FRONTLOAD", [0, 0, 0])
            instance.weightings = Weightings(
                two_in_a_row=w.get("TWOINAROW", [0])[0],
                two_in_a_day=w.get("TWOINADAY", [0])[0],
                period_spread=w.get("PERIODSPREAD", [0])[0],
                non_mixed_durations=w.get("NONMIXEDDURATIONS", [0])[0],
                front_load_exams=front[0],
                front_load_periods=front[1],
                front_load=front[2],
            )
    except (IndexError, ValueError, KeyError) as e:
        raise InstanceFormatError(str(e)) from e
    counts = {
        "[Exams]": len(durations),
        "[Periods]": len(periods),
        "[Rooms]": len(rooms),
    }
    for name, count in counts.items():
        if _count(lines[heads[name]]) != count:
            raise InstanceFormatError(f"{name} announces {lines[heads[name]]}, has {count}")
    return instance


def read_instance(path: Path) -> Instance:
    return parse(path.read_text())


def format_solution(assignment: Assignment) -> str:
    """The competition's solution format: ``period, room`` per exam, one a line."""
    return "".join(f"{p}, {r}\n" for p, r in zip(assignment.periods, assignment.rooms, strict=True))


def parse_solution(text: str) -> Assignment:
    rows = [[int(v) for v in line.split(",")] for line in text.splitlines() if line.strip()]
    return Assignment(periods=[r[0] for r in rows], rooms=[r[1] for r in rows])


def evaluate(instance: Instance, assignment: Assignment) -> Evaluation:
    """Hard violations and soft penalty of ``assignment``, as the competition defines them."""
    n = instance.exam_count
    w = instance.weightings
    periods, rooms = list(assignment.periods), list(assignment.rooms)
    periods = (periods + [-1] * n)[:n]
    rooms = (rooms + [-1] * n)[:n]
    placed = [
        0 <= periods[e] < len(instance.periods) and 0 <= rooms[e] < len(instance.rooms)
        for e in range(n)
    ]
    unassigned = placed.count(False)

    conflicts = two_in_a_row = two_in_a_day = spread = 0
    for (a, b), shared in instance.conflicts.items():
        if not (placed[a] and placed[b]):
            continue
        p, q = periods[a], periods[b]
        if p == q:
            conflicts += shared
            continue
        gap = abs(p - q)
        if 0 < gap <= w.period_spread:
            spread += shared
        if instance.period_days[p] == instance.period_days[q]:
            if gap == 1:
                two_in_a_row += shared
            else:
                two_in_a_day += shared

    seats: dict[tuple[int, int], int] = defaultdict(int)
    cell_exams: dict[tuple[int, int], list[int]] = defaultdict(list)
    utilisation = period_cost = room_cost = front = 0
    for e in range(n):
        if not placed[e]:
            continue
        cell = (periods[e], rooms[e])
        seats[cell] += instance.sizes[e]
        cell_exams[cell].append(e)
        period = instance.periods[periods[e]]
        if instance.durations[e] > period.duration:
            utilisation += 1
        period_cost += period.penalty
        room_cost += instance.rooms[rooms[e]].penalty
        if e in instance.largest_exams and periods[e] in instance.last_periods:
            front += 1
    occupancy = sum(1 for (p, r), used in seats.items() if used > instance.rooms[r].capacity)
    mixed = sum(len({instance.durations[e] for e in exams}) - 1 for exams in cell_exams.values())

    period_related = 0
    for a, b in instance.after:
        if placed[a] and placed[b] and not periods[a] > periods[b]:
            period_related += 1
    for a, b in instance.coincidence:
        if placed[a] and placed[b] and periods[a] != periods[b]:
            period_related += 1
    for a, b in instance.exclusion:
        if placed[a] and placed[b] and periods[a] == periods[b]:
            period_related += 1
    room_related = sum(
        1
        for e in instance.room_exclusive
        if placed[e] and len(cell_exams[(periods[e], rooms[e])]) > 1
    )

    return Evaluation(
        hard=HardViolations(
            conflicts=conflicts,
            room_occupancy=occupancy,
            period_utilisation=utilisation,
            period_related=period_related,
            room_related=room_related,
            unassigned=unassigned,
        ),
        soft=SoftPenalty(
            two_in_a_row=w.two_in_a_row * two_in_a_row,
            two_in_a_day=w.two_in_a_day * two_in_a_day,
            period_spread=spread,
            mixed_durations=w.non_mixed_durations * mixed,
            front_load=w.front_load * front,
            period_penalty=period_cost,
            room_penalty=room_cost,
        ),
    )


def format_instance(instance: Instance) -> str:
    """Write ``instance`` back in the ``.exam`` format (used to make small test instances)."""
    out = [f"[Exams:{instance.exam_count}]"]
    for duration, students in zip(instance.durations, instance.students, strict=True):
        out.append(", ".join(str(v) for v in [duration, *students]))
    out.append(f"[Periods:{len(instance.periods)}]")
    out += [f"{p.day}, {p.time}, {p.duration}, {p.penalty}" for p in instance.periods]
    out.append(f"[Rooms:{len(instance.rooms)}]")
    out += [f"{r.capacity}, {r.penalty}" for r in instance.rooms]
    out.append("[PeriodHardConstraints]")
    for kind, pairs in (
        ("AFTER", instance.after),
        ("EXAM_COINCIDENCE", instance.coincidence),
        ("EXCLUSION", instance.exclusion),
    ):
        out += [f"{a}, {kind}, {b}" for a, b in pairs]
    out.append("[RoomHardConstraints]")
    out += [f"{e}, ROOM_EXCLUSIVE" for e in instance.room_exclusive]
    w = instance.weightings
    out += [
        "[InstitutionalWeightings]",
        f"TWOINAROW, {w.two_in_a_row}",
        f"TWOINADAY, {w.two_in_a_day}",
        f"PERIODSPREAD, {w.period_spread}",
        f"NONMIXEDDURATIONS, {w.non_mixed_durations}",
        f"FRONTLOAD, {w.front_load_exams}, {w.front_load_periods}, {w.front_load}",
    ]
    return "\n".join(out) + "\n"
