"""Instances the timetabling tests share."""

from pathlib import Path

from exam_scheduling.timetabling.itc2007 import Instance, Period, Room, Weightings

# The benchmark instances live in the project's shared/ folder beside the repository (for a
# worktree: beside the folder of worktrees).
BENCHMARKS = next(
    (
        folder / "shared" / "benchmarks" / "itc2007"
        for folder in Path(__file__).resolve().parents
        if (folder / "shared" / "benchmarks" / "itc2007").is_dir()
    ),
    Path("shared/benchmarks/itc2007"),
)


def tiny() -> Instance:
    """Five exams, three periods on day 1 and one on day 2, two rooms."""
    return Instance(
        durations=[60, 120, 60, 60, 60],
        students=[[1, 2], [2, 3], [1, 3, 5], [4], [2, 6]],
        periods=[
            Period("01:06:2027", "09:00:00", 120, 0),
            Period("01:06:2027", "14:00:00", 120, 10),
            Period("01:06:2027", "18:00:00", 120, 0),
            Period("02:06:2027", "09:00:00", 60, 0),
        ],
        rooms=[Room(3, 0), Room(2, 5)],
        after=[(2, 0)],
        coincidence=[(3, 1)],
        exclusion=[(3, 0)],
        room_exclusive=[2],
        weightings=Weightings(
            two_in_a_row=7,
            two_in_a_day=3,
            period_spread=2,
            non_mixed_durations=11,
            front_load_exams=1,
            front_load_periods=1,
            front_load=13,
        ),
    )
