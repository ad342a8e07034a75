"""Scoring rules: the score sheet's state machine, score validity and the certificate result.
No I/O.

State machine (成绩登记 → 成绩公示 → 永久锁定):

    open ──start_publicity──▶ publicity ──lock (after ends_at)──▶ locked
      └───────────────────────lock─────────────────────────────────▲

`open → publicity` happens by itself when the plan's 公示 window opens (`following_windows`),
and the sheet locks by itself when it ends (scores.jobs). `open → locked` remains for plans
published before plans carried windows: their organisation may still lock directly. During
publicity scores change only through audited corrections, never a bulk re-import, so what
candidates saw published is traceable.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Literal, Protocol

from skillcert.clock import format_china
from skillcert.events import ResultRule, SubjectScore
from skillcert.states import StateMachine

# One import is one transaction holding the plan's row lock: keep it bounded.
MAX_IMPORT_ROWS = 5000

ResultKind = Literal["pass", "fail"]


class SheetStatus(StrEnum):
    OPEN = "open"  # 成绩登记
    PUBLICITY = "publicity"  # 成绩公示
    LOCKED = "locked"  # 永久锁定


class ObjectionStatus(StrEnum):
    OPEN = "open"  # 待处理
    CORRECTED = "corrected"  # 已更正成绩
    EXPLAINED = "explained"  # 已解释，成绩不变


#: What an objection's attachment may be: a photo or scan of the candidate's evidence.
ATTACHMENT_TYPES = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}
MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024


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


def following_windows(
    stored: SheetStatus, publicity_opens_at: datetime | None, now: datetime
) -> SheetStatus:
    """The sheet's status with the plan's windows applied: publicity cannot be skipped, it
    opens by itself with the plan's 公示 window. A plan without windows (published before they
    were) keeps the status the organisation set."""
    if stored is SheetStatus.OPEN and publicity_opens_at is not None and now >= publicity_opens_at:
        return SheetStatus.PUBLICITY
    return stored


def window_text(opens_at: datetime, closes_at: datetime) -> str:
    """A window as people read it, in China time."""
    return f"{format_china(opens_at)} 至 {format_china(closes_at)}"


def registration_refusal(
    opens_at: datetime | None, closes_at: datetime | None, now: datetime
) -> str | None:
    """Why scores cannot be imported now, outside the plan's 登记 window; None inside it or for
    a plan without one."""
    if opens_at is None or closes_at is None or opens_at <= now < closes_at:
        return None
    window = window_text(opens_at, closes_at)
    if now < opens_at:
        return f"成绩登记尚未开始，登记时间为 {window}"
    return f"成绩登记已结束，登记时间为 {window}"


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


class SubjectMarks(Protocol):
    """A plan subject's marks: what `determine` needs of it."""

    @property
    def code(self) -> str: ...
    @property
    def full_score(self) -> Decimal: ...
    @property
    def pass_score(self) -> Decimal: ...


def weighted_total(
    subjects: Sequence[SubjectMarks], scores: Mapping[str, Decimal], rule: ResultRule
) -> Decimal:
    """The weighted total (综合成绩), out of 100: each subject's score as a share of its full
    score, times its weight in percent. Not rounded, so a total just under the pass mark is
    never rounded up to it. A subject without a score counts 0."""
    full = {s.code: s.full_score for s in subjects}
    return sum(
        (
            scores.get(w.subject_code, Decimal(0)) / full[w.subject_code] * w.weight
            for w in rule.weights
            if w.subject_code in full and full[w.subject_code] > 0
        ),
        Decimal(0),
    )


def determine(
    subjects: Sequence[SubjectMarks],
    scores: Mapping[str, Decimal],
    rule: ResultRule | None = None,
) -> tuple[ResultKind, list[SubjectScore]]:
    """The certificate result (考证结果) by the plan's rule (events.ResultRule): every subject
    at or above its own pass score (合格分数), the weighted total (综合成绩) at or above the
    rule's pass mark, or both. Under every rule a missing score (缺考) fails the candidate and
    is left out of the subject list, since there is no score to report."""
    rule = rule or ResultRule()
    subject_scores = [
        SubjectScore(
            subject_code=s.code, score=scores[s.code], passed=scores[s.code] >= s.pass_score
        )
        for s in subjects
        if s.code in scores
    ]
    complete = len(subject_scores) == len(subjects) and len(subjects) > 0
    passed = complete
    if rule.kind in ("each_subject", "both"):
        passed = passed and all(s.passed for s in subject_scores)
    if rule.kind in ("weighted_total", "both"):
        # A weighted rule without a pass mark cannot pass anyone (publishing refuses it).
        mark = rule.pass_score
        passed = passed and mark is not None and weighted_total(subjects, scores, rule) >= mark
    return ("pass" if passed else "fail"), subject_scores


@dataclass(frozen=True)
class ImportRow:
    """One row of a subject import; `locator` is its field path in errors ("scores.3")."""

    locator: str
    ticket_number: str
    score: Decimal
