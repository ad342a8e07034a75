"""Pure scoring rules: the certificate result, score validity, the state machine."""

from dataclasses import dataclass
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
    weighted_total,
)
from skillcert.events import ResultRule, SubjectWeight


@dataclass(frozen=True)
class Marks:
    code: str
    full_score: Decimal = Decimal("100")
    pass_score: Decimal = Decimal("60")


RULES = [Marks("S1"), Marks("S2")]
# The seed's 综合成绩: 理论 40 %, 实操 30 %, 综合 30 %, pass mark 60 of 100.
SEED = [Marks("T"), Marks("P", Decimal("50"), Decimal("30")), Marks("Z")]


def weighted(kind: str = "weighted_total", mark: str = "60") -> ResultRule:
    return ResultRule(
        kind=kind,
        weights=[
            SubjectWeight(subject_code="T", weight=Decimal(40)),
            SubjectWeight(subject_code="P", weight=Decimal(30)),
            SubjectWeight(subject_code="Z", weight=Decimal(30)),
        ],
        pass_score=Decimal(mark),
    )


def d(**scores: str) -> dict[str, Decimal]:
    return {k: Decimal(v) for k, v in scores.items()}


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

    def test_each_subject_is_the_default_rule(self):
        scores = d(S1="59", S2="100")
        assert determine(RULES, scores) == determine(RULES, scores, ResultRule())


class TestWeightedTotal:
    def test_seed_40_30_30_composite_at_the_mark_passes_with_a_subject_below(self):
        # 50×0.4 + (40/50)×30 + 70×0.3 = 20 + 24 + 21 = 65, though T is below its own 60.
        scores = d(T="50", P="40", Z="70")
        assert weighted_total(SEED, scores, weighted()) == Decimal(65)
        result, subject_scores = determine(SEED, scores, weighted())
        assert result == "pass"
        assert [s.passed for s in subject_scores] == [False, True, True]

    def test_exactly_the_mark_passes_and_just_under_fails(self):
        # 60×0.4 + 30/50×30 + 60×0.3 = 24 + 18 + 18 = 60
        assert determine(SEED, d(T="60", P="30", Z="60"), weighted())[0] == "pass"
        # 59.99×0.4 = 23.996: the total 59.996 is never rounded up to 60.
        assert determine(SEED, d(T="59.99", P="30", Z="60"), weighted())[0] == "fail"

    def test_a_missing_subject_fails_even_with_a_high_total(self):
        assert determine(SEED, d(T="100", P="50"), weighted())[0] == "fail"

    def test_a_weighted_rule_without_a_mark_passes_nobody(self):
        rule = weighted().model_copy(update={"pass_score": None})
        assert determine(SEED, d(T="100", P="50", Z="100"), rule)[0] == "fail"


class TestBoth:
    def test_needs_every_subject_and_the_total(self):
        rule = weighted("both")
        # total 65 but T below its pass score
        assert determine(SEED, d(T="50", P="40", Z="70"), rule)[0] == "fail"
        # every subject passes, total 60×0.4+30/50×30+60×0.3 = 60 below a mark of 70
        assert determine(SEED, d(T="60", P="30", Z="60"), weighted("both", "70"))[0] == "fail"
        assert determine(SEED, d(T="80", P="40", Z="75"), weighted("both", "70"))[0] == "pass"


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
