from dataclasses import replace

import pytest

from exam_scheduling.timetabling.itc2007 import (
    Assignment,
    HardViolations,
    InstanceFormatError,
    SoftPenalty,
    Weightings,
    evaluate,
    format_instance,
    format_solution,
    parse,
    parse_solution,
)

from .instances import BENCHMARKS, tiny

# E0 P0/R1, E1 P1/R0, E2 P3/R0, E3 P1/R0 (beside E1), E4 P2/R1.
HAND = Assignment(periods=[0, 1, 3, 1, 2], rooms=[1, 0, 0, 0, 1])


def test_tiny_instance_penalties_by_hand() -> None:
    result = evaluate(tiny(), HAND)

    assert result.hard == HardViolations()
    assert result.soft == SoftPenalty(
        # student 2: E0-E1 (P0, P1) and E1-E4 (P1, P2), consecutive on day 1: 2 x 7
        two_in_a_row=14,
        # student 2: E0-E4 (P0, P2), same day, not consecutive: 1 x 3
        two_in_a_day=3,
        # within 2 periods: E0-E1, E0-E4, E1-E4 (student 2), E1-E2 (P1, P3; student 3)
        period_spread=4,
        # P1/R0 holds a 120- and a 60-minute exam: 1 x 11
        mixed_durations=11,
        # E2, the largest exam (3 students), sits in the last period: 1 x 13
        front_load=13,
        # E1 and E3 in P1 (penalty 10 each)
        period_penalty=20,
        # E0 and E4 in R1 (penalty 5 each)
        room_penalty=10,
    )
    assert result.soft.total == 75
    assert result.feasible


def test_tiny_instance_hard_violations_by_hand() -> None:
    instance = tiny()

    # E0 joins E1 and E3 in P1/R0: student 2 twice at once, 5 seats in 3, E0/E3 excluded.
    crowded = Assignment(periods=[1, 1, 3, 1, 2], rooms=[0, 0, 0, 0, 1])
    assert evaluate(instance, crowded).hard == HardViolations(
        conflicts=1, room_occupancy=1, period_related=1
    )

    # E1 (120 min) in the 60-minute P3 beside E2 (student 3); E3 no longer coincides with it.
    too_long = Assignment(periods=[0, 3, 3, 1, 2], rooms=[1, 1, 0, 0, 1])
    assert evaluate(instance, too_long).hard == HardViolations(
        conflicts=1, period_utilisation=1, period_related=1
    )

    # E3 shares the room of the room-exclusive E2 (and overfills it); E2 before E0.
    shared = Assignment(periods=[3, 1, 0, 0, 2], rooms=[1, 0, 0, 0, 1])
    assert evaluate(instance, shared).hard == HardViolations(
        room_occupancy=1, period_related=2, room_related=1
    )

    missing = Assignment(periods=[0, 1, 3, 1], rooms=[1, 0, 0, 7])
    assert evaluate(instance, missing).hard.unassigned == 2
    assert not evaluate(instance, missing).feasible


def test_instance_round_trip() -> None:
    instance = tiny()
    again = parse(format_instance(instance))
    assert again == instance
    assert evaluate(again, HAND) == evaluate(instance, HAND)


def test_real_instance_round_trip() -> None:
    text = (BENCHMARKS / "exam_comp_set12.exam").read_text()
    instance = parse(text)
    assert (instance.exam_count, len(instance.periods), len(instance.rooms)) == (78, 12, 50)
    assert instance.weightings == Weightings(35, 10, 5, 5, 25, 5, 10)
    assert len(instance.room_exclusive) == 7
    assert parse(format_instance(instance)) == instance


def test_solution_round_trip() -> None:
    text = format_solution(HAND)
    assert text.splitlines()[:2] == ["0, 1", "1, 0"]
    assert parse_solution(text) == HAND


def test_front_load_takes_the_largest_exams_ties_in_file_order() -> None:
    instance = replace(tiny(), weightings=replace(tiny().weightings, front_load_exams=3))
    # sizes 2, 2, 3, 1, 2: E2, then the first two of the 2-student exams.
    assert instance.largest_exams == {2, 0, 1}


@pytest.mark.parametrize(
    "text",
    [
        "[Exams:1]\n60, 1\n[Rooms:1]\n10, 0\n",
        "[Exams:2]\n60, 1\n[Periods:1]\n01:01:2027, 09:00:00, 60, 0\n[Rooms:1]\n10, 0\n",
        "[Exams:1]\nsixty, 1\n[Periods:0]\n[Rooms:0]\n",
    ],
)
def test_malformed_instances_are_refused(text: str) -> None:
    with pytest.raises(InstanceFormatError):
        parse(text)
