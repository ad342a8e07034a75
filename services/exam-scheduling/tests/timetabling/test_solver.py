import itertools
from datetime import datetime, timedelta

import pytest

from exam_scheduling.timetabling.itc2007 import Assignment, Instance, Room, evaluate, read_instance
from exam_scheduling.timetabling.planning import (
    ExamRoom,
    Sitting,
    SubjectSession,
    timetable_sessions,
)
from exam_scheduling.timetabling.solver import (
    NoTimetableFound,
    SolveStats,
    anneal,
    feasible_timetable,
    solve,
)
from skillcert.clock import CHINA

from .instances import BENCHMARKS, tiny


def brute_force_best(instance: Instance) -> int:
    best = None
    n, n_p, n_r = instance.exam_count, len(instance.periods), len(instance.rooms)
    for periods in itertools.product(range(n_p), repeat=n):
        for rooms in itertools.product(range(n_r), repeat=n):
            result = evaluate(instance, Assignment(list(periods), list(rooms)))
            if result.feasible and (best is None or result.soft.total < best):
                best = result.soft.total
    assert best is not None
    return best


def test_tiny_instance_solved_to_the_optimum() -> None:
    instance = tiny()
    optimum = brute_force_best(instance)

    result = solve(instance, time_limit=2.0)

    evaluation = evaluate(instance, result.assignment)
    assert evaluation.feasible
    assert evaluation.soft.total == optimum
    # The annealer's incremental bookkeeping agrees with the independent evaluator.
    assert result.stats.final_penalty == optimum


def test_no_room_large_enough_is_reported() -> None:
    instance = tiny()
    instance.rooms = [Room(2, 0), Room(2, 0)]
    with pytest.raises(NoTimetableFound, match="no room holds"):
        solve(instance, time_limit=1.0)


def test_contradictory_constraints_are_reported() -> None:
    instance = tiny()
    instance.after.append((0, 2))  # E2 after E0 and E0 after E2
    with pytest.raises(NoTimetableFound, match="cannot all be met"):
        feasible_timetable(instance, time_limit=5.0)


@pytest.mark.parametrize("instance_set", [12, 9])
def test_real_instance_feasible_and_improved(instance_set: int) -> None:
    instance = read_instance(BENCHMARKS / f"exam_comp_set{instance_set}.exam")
    stats = SolveStats()

    start = feasible_timetable(instance, time_limit=20.0, workers=2, stats=stats)
    assert evaluate(instance, start).feasible
    improved = anneal(instance, start, time_limit=3.0, stats=stats)

    evaluation = evaluate(instance, improved)
    assert evaluation.feasible
    assert evaluation.soft.total == stats.final_penalty
    assert stats.final_penalty < stats.initial_penalty == evaluate(instance, start).soft.total


def test_plan_sessions_never_overlap_for_a_candidate() -> None:
    day = datetime(2027, 6, 1, 9, 0, tzinfo=CHINA)
    sittings = [
        Sitting(day + timedelta(days=d, hours=h), minutes=120) for d in range(2) for h in (0, 5)
    ]
    sessions = [
        SubjectSession("THEORY", 90),
        SubjectSession("PRACTICE", 120),
        SubjectSession("SAFETY", 60),
        SubjectSession("LAW", 60),
    ]
    choices = {
        "c1": ["THEORY", "PRACTICE", "SAFETY"],
        "c2": ["THEORY", "LAW"],
        "c3": ["PRACTICE", "LAW", "SAFETY"],
        "c4": ["SAFETY"],
    }
    rooms = [ExamRoom("A101", seats=3), ExamRoom("A102", seats=2)]

    placements = timetable_sessions(sessions, choices, sittings, rooms, time_limit=2.0)

    by_subject = {p.subject: p for p in placements}
    assert by_subject["SAFETY"].candidates == 3
    for chosen in choices.values():
        starts = [by_subject[s].sitting.starts_at for s in chosen]
        assert len(set(starts)) == len(starts)
    seats: dict[tuple[datetime, str], int] = {}
    for p in placements:
        key = (p.sitting.starts_at, p.room)
        seats[key] = seats.get(key, 0) + p.candidates
    capacity = {r.code: r.seats for r in rooms}
    assert all(used <= capacity[room] for (_, room), used in seats.items())
    minutes = {s.subject: s.minutes for s in sessions}
    assert all(minutes[p.subject] <= p.sitting.minutes for p in placements)


def test_plan_refuses_a_subject_without_a_session() -> None:
    with pytest.raises(ValueError, match="BIOLOGY"):
        timetable_sessions(
            [SubjectSession("THEORY", 60)],
            {"c1": ["BIOLOGY"]},
            [Sitting(datetime(2027, 6, 1, 9, tzinfo=CHINA), 60)],
            [ExamRoom("A101", 10)],
            time_limit=1.0,
        )
