"""Scoring rules: the score sheet's state machine, score validity and the certificate result.
No I/O.

State machine (成绩登记 → 成绩公示 → 永久锁定):

    open ──start_publicity──▶ publicity ──lock (after ends_at)──▶ locked
      └───────────────────────lock─────────────────────────────────▲

`open → locked` is allowed: exam plans carry no publicity window (exam.plan.published has none),
so an organisation that publishes scores elsewhere can lock directly. During publicity scores
change only through audited corrections, never a bulk re-import, so what candidates saw
published is traceable.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Literal

from skillcert.events import SubjectScore
from skillcert.states import StateMachine

# One import is one transaction holding the plan's row lock: keep it bounded.
MAX_IMPORT_ROWS = 5000

ResultKind = Literal["pass", "fail"]


class SheetStatus(StrEnum):
    OPEN = "open"  # 成绩登记
    PUBLICITY = "publicity"  # 成绩公示
    LOCKED = "locked"  # 永久锁定


class SheetAction(StrEnum):
    IMPORT = "import"
    START_PUBLICITY = "start_publicity"
    CORRECT = "correct"
    LOCK = "lock"


# (from, action) -> to. Anything missing is refused.
TRANSITIONS: dict[tuple[SheetStatus, SheetAction], SheetStatus] = {
    (SheetStatus.OPEN, SheetAction.IMPORT): SheetStatus.OPEN,
    (SheetStatus.OPEN, SheetAction.CORRECT): SheetStatus.OPEN,
    (SheetStatus.OPEN, SheetAction.START_PUBLICITY): SheetStatus.PUBLICITY,
    (SheetStatus.OPEN, SheetAction.LOCK): SheetStatus.LOCKED,
    (SheetStatus.PUBLICITY, SheetAction.CORRECT): SheetStatus.PUBLICITY,
    (SheetStatus.PUBLICITY, SheetAction.LOCK): SheetStatus.LOCKED,
}

_REFUSALS: dict[SheetStatus, str] = {
    SheetStatus.PUBLICITY: "成绩公示期内不能批量导入或重新开始公示，请通过成绩更正修改",
    SheetStatus.LOCKED: "成绩已永久锁定，不能再修改",
}


def refusal(status: SheetStatus, action: SheetAction | None = None) -> str:
    return _REFUSALS.get(status, "当前状态不允许此操作")


STATES = StateMachine(TRANSITIONS, refusal=refusal)


def publicity_over(ends_at: datetime | None, now: datetime) -> bool:
    return ends_at is None or now >= ends_at


def score_problem(score: Decimal, full_score: Decimal) -> str | None:
    """Why `score` is not a valid score of a subject with `full_score`, or None."""
    if not score.is_finite():
        return "成绩应为数字"
    exponent = score.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        return "成绩最多保留两位小数"
    if score < 0:
        return "成绩不能小于 0"
    if score > full_score:
        return f"成绩不能超过满分 {normalised(full_score)}"
    return None


def normalised(value: Decimal) -> str:
    """85.50 -> "85.5", 100.00 -> "100": how a score reads in messages."""
    return format(value.normalize(), "f")


def determine(
    subjects: Sequence[tuple[str, Decimal]], scores: Mapping[str, Decimal]
) -> tuple[ResultKind, list[SubjectScore]]:
    """The certificate result per the plan's rule: pass only when every subject of the plan has
    a score at or above its pass score (合格分数). A missing score (缺考) fails the candidate and is
    left out of the subject list, since there is no score to report."""
    subject_scores = [
        SubjectScore(subject_code=code, score=scores[code], passed=scores[code] >= pass_score)
        for code, pass_score in subjects
        if code in scores
    ]
    complete = len(subject_scores) == len(subjects) and len(subjects) > 0
    passed = complete and all(s.passed for s in subject_scores)
    return ("pass" if passed else "fail"), subject_scores


@dataclass(frozen=True)
class ImportRow:
    """One row of a subject import; `locator` is its field path in errors ("scores.3")."""

    locator: str
    ticket_number: str
    score: Decimal
