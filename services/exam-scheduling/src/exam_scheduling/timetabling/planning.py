"""Timetabling a plan's subject sessions (科目场次排期) from the candidates' subject choices.

The platform's entry point to the solver: plain dataclasses in, plain dataclasses out, no
database. It builds the same model as the ITC2007 benchmark (`itc2007.Instance`): a subject
session is an exam, a sitting (考试时段) a period, an exam room (考场) a room. A candidate
taking several subjects never sits two at once, every room holds its sessions' candidates,
and every session fits its sitting's length.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from exam_scheduling.timetabling import itc2007
from exam_scheduling.timetabling.solver import solve
from skillcert.clock import in_china

# How much each inconvenience to candidates weighs; the sitting and room penalties are the
# caller's. Two papers back to back weigh most, two on one day less.
DEFAULT_WEIGHTINGS = itc2007.Weightings(
    two_in_a_row=10, two_in_a_day=5, period_spread=2, non_mixed_durations=1
)


@dataclass(frozen=True)
class Sitting:
    """A sitting (考试时段): when it starts and how many minutes it lasts."""

    starts_at: datetime
    minutes: int
    penalty: int = 0


@dataclass(frozen=True)
class ExamRoom:
    """An exam room (考场) and its seats."""

    code: str
    seats: int
    penalty: int = 0


@dataclass(frozen=True)
class SubjectSession:
    """A subject's paper (科目场次) and its length in minutes."""

    subject: str
    minutes: int


@dataclass(frozen=True)
class SessionPlacement:
    """Where and when a subject's session takes place (场次安排)."""

    subject: str
    sitting: Sitting
    room: str
    candidates: int


def timetable_sessions(
    sessions: Sequence[SubjectSession],
    choices: Mapping[str, Collection[str]],
    sittings: Sequence[Sitting],
    rooms: Sequence[ExamRoom],
    time_limit: float = 10.0,
    weightings: itc2007.Weightings = DEFAULT_WEIGHTINGS,
    seed: int = 0,
) -> list[SessionPlacement]:
    """A sitting and room for every session, given each candidate's subjects (考生报考科目).

    ``choices`` maps a candidate to the subjects they take. Raises
    `solver.NoTimetableFound` when no timetable meets the hard constraints in ``time_limit``.
    """
    index = {s.subject: i for i, s in enumerate(sessions)}
    unknown = {subject for chosen in choices.values() for subject in chosen} - index.keys()
    if unknown:
        raise ValueError(f"subjects without a session: {sorted(unknown)}")
    ordered = sorted(sittings, key=lambda s: s.starts_at)
    students: list[list[int]] = [[] for _ in sessions]
    for number, chosen in enumerate(choices.values()):
        for subject in set(chosen):
            students[index[subject]].append(number)
    instance = itc2007.Instance(
        durations=[s.minutes for s in sessions],
        students=students,
        periods=[
            itc2007.Period(
                day=in_china(s.starts_at).date().isoformat(),
                time=in_china(s.starts_at).time().isoformat(),
                duration=s.minutes,
                penalty=s.penalty,
            )
            for s in ordered
        ],
        rooms=[itc2007.Room(capacity=r.seats, penalty=r.penalty) for r in rooms],
        weightings=weightings,
    )
    result = solve(instance, time_limit=time_limit, seed=seed)
    assignment = result.assignment
    return [
        SessionPlacement(
            subject=session.subject,
            sitting=ordered[assignment.periods[i]],
            room=rooms[assignment.rooms[i]].code,
            candidates=instance.sizes[i],
        )
        for i, session in enumerate(sessions)
    ]
