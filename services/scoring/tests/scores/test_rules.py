"""Pure scoring rules: the certificate result, score validity, the state machine."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from scoring.scores.rules import (
    STATES,
    TRANSITIONS,
    SheetAction,
    SheetStatus,
    determine,
    publicity_over,
    score_problem,
)

RULES = [("S1", Decimal("60")), ("S2", Decimal("60"))]


class TestDetermine:
    def test_every_subject_at_or_above_its_pass_score_passes(self):
        result, scores = determine(RULES, {"S1": Decimal("60"), "S2": Decimal("99.5")})
        assert result == "pass"
        assert [s.passed for s in scores] == [True, True]

    def test_one_subject_below_fails(self):
        result, _ = determine(RULES, {"S1": Decimal("59.99"), "S2": Decimal("100")})
        assert result == "fail"

    def test_a_missing_subject_fails_and_is_left_out(self):
        result, scores = determine(RULES, {"S1": Decimal("90")})
        assert result == "fail"
        assert [s.subject_code for s in scores] == ["S1"]

    def test_a_plan_without_subjects_passes_nobody(self):
        assert determine([], {})[0] == "fail"


class TestScoreProblem:
    def test_valid_scores(self):
        assert score_problem(Decimal("0"), Decimal("100")) is None
        assert score_problem(Decimal("100.00"), Decimal("100")) is None

    def test_invalid_scores(self):
        assert score_problem(Decimal("-0.5"), Decimal("100")) == "成绩不能小于 0"
        assert score_problem(Decimal("100.5"), Decimal("100")) == "成绩不能超过满分 100"
        assert score_problem(Decimal("1.001"), Decimal("100")) == "成绩最多保留两位小数"
        assert score_problem(Decimal("NaN"), Decimal("100")) == "成绩应为数字"


class TestStateMachine:
    def test_locked_is_final(self):
        assert not [key for key in TRANSITIONS if key[0] is SheetStatus.LOCKED]

    def test_publicity_refuses_bulk_import_but_allows_corrections(self):
        assert STATES.next(SheetStatus.PUBLICITY, SheetAction.IMPORT) is None
        assert STATES.next(SheetStatus.PUBLICITY, SheetAction.CORRECT) is SheetStatus.PUBLICITY

    def test_open_may_lock_directly(self):
        assert STATES.next(SheetStatus.OPEN, SheetAction.LOCK) is SheetStatus.LOCKED

    def test_publicity_is_over_at_its_end(self):
        now = datetime.now(UTC)
        assert publicity_over(now, now)
        assert not publicity_over(now + timedelta(seconds=1), now)
