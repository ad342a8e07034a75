"""Exam plan rules: the plan state machine, window ordering and subject checks. No I/O."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

from skillcert.auth import Principal, Role
from skillcert.clock import in_china
from skillcert.errors import FieldError
from skillcert.events import MATERIAL_KINDS, ResultRule
from skillcert.states import StateMachine

if TYPE_CHECKING:
    from exam_scheduling.plans.schemas import PlanIn, WindowsIn

# A site's index takes three digits of the admission ticket number.
MAX_SITES_PER_PLAN = 999


class PlanStatus(StrEnum):
    DRAFT = "draft"  # 草稿: visible to its organisation only
    PUBLISHED = "published"  # 已发布: open for registration in its window
    CANCELLED = "cancelled"  # 已取消: registrations end, paid fees are refunded


class PlanAction(StrEnum):
    PUBLISH = "publish"
    CANCEL = "cancel"


# The one table of allowed plan transitions: (from, action) -> to. A draft is not cancelled:
# nobody outside the organisation has seen it yet.
TRANSITIONS: dict[tuple[PlanStatus, PlanAction], PlanStatus] = {
    (PlanStatus.DRAFT, PlanAction.PUBLISH): PlanStatus.PUBLISHED,
    (PlanStatus.PUBLISHED, PlanAction.CANCEL): PlanStatus.CANCELLED,
}


def _refusal(current: PlanStatus, action: PlanAction) -> str:
    if action == PlanAction.PUBLISH:
        return "考试计划已发布，不能重复发布"
    if current == PlanStatus.CANCELLED:
        return "考试计划已取消"
    return "考试计划尚未发布，不能取消"


STATES = StateMachine(TRANSITIONS, refusal=_refusal)


@dataclass(frozen=True)
class Windows:
    """A plan's five windows (报考, 排考, 考试, 登记, 公示) and its withdrawal deadline, all set."""

    registration_opens_at: datetime
    registration_closes_at: datetime
    scheduling_opens_at: datetime
    scheduling_closes_at: datetime
    exam_starts_at: datetime
    exam_ends_at: datetime
    scores_open_at: datetime
    scores_close_at: datetime
    publicity_opens_at: datetime
    publicity_closes_at: datetime
    withdrawal_closes_at: datetime


#: How long score registration (登记) and publicity (公示) last when a plan does not say: the
#: seed's plans give each about a month.
DEFAULT_SCORING_DAYS = 30
DEFAULT_PUBLICITY_DAYS = 30


def resolve_windows(data: WindowsIn) -> Windows:
    """The windows as sent, the ones left out by default: 排考 from registration's close to the
    exam (from registration's opening when those meet), 登记 for a month after the exam, 公示 for
    a month after that, and withdrawal until registration closes."""
    scheduling_opens = data.scheduling_opens_at or (
        data.registration_closes_at
        if data.registration_closes_at < data.exam_starts_at
        else data.registration_opens_at
    )
    scheduling_closes = data.scheduling_closes_at or data.exam_starts_at
    scores_open = data.scores_open_at or data.exam_ends_at
    scores_close = data.scores_close_at or scores_open + timedelta(days=DEFAULT_SCORING_DAYS)
    publicity_opens = data.publicity_opens_at or scores_close
    publicity_closes = data.publicity_closes_at or publicity_opens + timedelta(
        days=DEFAULT_PUBLICITY_DAYS
    )
    return Windows(
        registration_opens_at=data.registration_opens_at,
        registration_closes_at=data.registration_closes_at,
        scheduling_opens_at=scheduling_opens,
        scheduling_closes_at=scheduling_closes,
        exam_starts_at=data.exam_starts_at,
        exam_ends_at=data.exam_ends_at,
        scores_open_at=scores_open,
        scores_close_at=scores_close,
        publicity_opens_at=publicity_opens,
        publicity_closes_at=publicity_closes,
        withdrawal_closes_at=data.withdrawal_closes_at or data.registration_closes_at,
    )


def window_problems(w: Windows) -> list[FieldError]:
    """Each window an interval, in order: 报考 → 排考 (may start while registration runs, ends
    no earlier than it) → 考试 → 登记 → 公示; the withdrawal deadline within registration's
    opening and the exam. One message per field, the first rule it breaks."""
    checks: list[tuple[str, bool, str]] = [
        (
            "registration_closes_at",
            w.registration_closes_at <= w.registration_opens_at,
            "报名截止时间须晚于报名开始时间",
        ),
        (
            "scheduling_opens_at",
            w.scheduling_opens_at < w.registration_opens_at,
            "排考开始时间不得早于报名开始时间",
        ),
        (
            "scheduling_closes_at",
            w.scheduling_closes_at <= w.scheduling_opens_at,
            "排考结束时间须晚于排考开始时间",
        ),
        (
            "scheduling_closes_at",
            w.scheduling_closes_at < w.registration_closes_at,
            "排考结束时间不得早于报名截止时间",
        ),
        (
            "exam_starts_at",
            w.exam_starts_at < w.registration_closes_at,
            "考试开始时间不得早于报名截止时间",
        ),
        (
            "exam_starts_at",
            w.exam_starts_at < w.scheduling_closes_at,
            "考试开始时间不得早于排考结束时间",
        ),
        ("exam_ends_at", w.exam_ends_at <= w.exam_starts_at, "考试结束时间须晚于考试开始时间"),
        (
            "scores_open_at",
            w.scores_open_at < w.exam_ends_at,
            "成绩登记开始时间不得早于考试结束时间",
        ),
        (
            "scores_close_at",
            w.scores_close_at <= w.scores_open_at,
            "成绩登记结束时间须晚于成绩登记开始时间",
        ),
        (
            "publicity_opens_at",
            w.publicity_opens_at < w.scores_close_at,
            "公示开始时间不得早于成绩登记结束时间",
        ),
        (
            "publicity_closes_at",
            w.publicity_closes_at <= w.publicity_opens_at,
            "公示结束时间须晚于公示开始时间",
        ),
        (
            "withdrawal_closes_at",
            w.withdrawal_closes_at <= w.registration_opens_at,
            "退考截止时间须晚于报名开始时间",
        ),
        (
            "withdrawal_closes_at",
            w.withdrawal_closes_at > w.exam_starts_at,
            "退考截止时间不得晚于考试开始时间",
        ),
    ]
    problems: dict[str, FieldError] = {}
    for field, broken, message in checks:
        if broken and field not in problems:
            problems[field] = FieldError(field=field, message=message, code="rule")
    return list(problems.values())


def windows_problems(data: WindowsIn) -> list[FieldError]:
    """window_problems of the windows as sent and defaulted. A window left out follows the ones
    sent, so while a sent one is wrong, only the sent ones are named (a defaulted one would only
    repeat the mistake); a default that clashes with a sent window is still named."""
    problems = window_problems(resolve_windows(data))
    sent = [p for p in problems if p.field in data.model_fields_set]
    return sent or problems


def plan_problems(data: PlanIn, known_occupations: set[str]) -> list[FieldError]:
    """Field errors pydantic cannot see: window order, unique codes, pass within full score,
    and the conditions: prior level below the plan's, related occupations of the catalogue
    (`known_occupations`), materials registration accepts."""
    problems: list[FieldError] = []

    def problem(field: str, message: str) -> None:
        problems.append(FieldError(field=field, message=message, code="rule"))

    problems += windows_problems(data)
    seen: set[str] = set()
    for i, subject in enumerate(data.subjects):
        if subject.code in seen:
            problem(f"subjects.{i}.code", "科目代码重复")
        seen.add(subject.code)
        for name in ("full_score", "pass_score"):
            if _decimals(getattr(subject, name)) > 2:
                problem(f"subjects.{i}.{name}", "分数最多保留两位小数")
        if subject.pass_score > subject.full_score:
            problem(f"subjects.{i}.pass_score", "合格分数不得高于满分")
        groups: set[str] = set()
        for j, group in enumerate(subject.audience):
            if group in groups:
                problem(f"subjects.{i}.audience.{j}", "参考对象重复")
            groups.add(group)
    rule = ResultRule.model_validate(data.result_rule.model_dump())
    problems += result_rule_problems(rule, data.subjects)
    seen = set()
    for i, condition in enumerate(data.conditions):
        at = f"conditions.{i}"
        if condition.code in seen:
            problem(f"{at}.code", "申报条件代码重复")
        seen.add(condition.code)
        # Level 1 is the highest: a level-1 plan builds on a level-2 certificate, never on 1.
        if condition.prior_level is not None and condition.prior_level <= data.level:
            problem(f"{at}.prior_level", "原证书等级须低于申报等级（一级最高，数字须更大）")
        if condition.related_from_catalogue and condition.related_occupations:
            problem(f"{at}.related_occupations", "已选择按职业目录填写相关职业，请勿再逐个列出")
        for j, code in enumerate(condition.related_occupations):
            if code not in known_occupations:
                problem(f"{at}.related_occupations.{j}", "相关职业代码不存在")
        for j, material in enumerate(condition.required_materials):
            if material not in MATERIAL_KINDS:
                problem(f"{at}.required_materials.{j}", "不支持的申报材料类型")
    return problems


class _SubjectScores(Protocol):
    code: str
    full_score: Decimal
    pass_score: Decimal


def result_rule_problems(rule: ResultRule, subjects: Sequence[_SubjectScores]) -> list[FieldError]:
    """Why the result rule (考证结果判定规则) cannot decide this plan's results: a weighted rule
    names each of the plan's subjects once, the weights sum to 100 %, the pass mark lies within
    the weighted total's full mark (100)."""
    problems: list[FieldError] = []

    def problem(field: str, message: str) -> None:
        problems.append(FieldError(field=f"result_rule.{field}", message=message, code="rule"))

    if rule.kind == "each_subject":
        if rule.weights:
            problem("weights", "按各科合格判定时不设权重")
        if rule.pass_score is not None:
            problem("pass_score", "按各科合格判定时不设综合合格分数")
        return problems
    codes = {s.code for s in subjects}
    seen: set[str] = set()
    for i, w in enumerate(rule.weights):
        if w.subject_code not in codes:
            problem(f"weights.{i}.subject_code", "该考试计划没有此科目")
        elif w.subject_code in seen:
            problem(f"weights.{i}.subject_code", "科目权重重复")
        seen.add(w.subject_code)
        if _decimals(w.weight) > 2:
            problem(f"weights.{i}.weight", "权重最多保留两位小数")
    if missing := [s.code for s in subjects if s.code not in seen]:
        problem("weights", f"每个科目都须设权重，缺少：{'、'.join(missing)}")
    total = sum((w.weight for w in rule.weights), Decimal(0))
    if total != 100:
        problem("weights", f"各科权重之和须为 100%，现为 {format(total.normalize(), 'f')}%")
    if rule.pass_score is None:
        problem("pass_score", "请填写综合成绩合格分数")
    elif rule.pass_score < 0 or rule.pass_score > 100:
        problem("pass_score", "综合成绩合格分数须在 0 到满分 100 之间")
    elif _decimals(rule.pass_score) > 2:
        problem("pass_score", "分数最多保留两位小数")
    return problems


def _decimals(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def plan_number(created_at: datetime, serial: int) -> str:
    """计划编号: K + creation day in China (YYYYMMDD) + the serial, at least four digits;
    unique because the serial is."""
    return f"K{in_china(created_at):%Y%m%d}{serial:04d}"


def owns(principal: Principal, org_id: str) -> bool:
    """Staff of the certifying organisation that created the plan."""
    return principal.role is Role.ORG_ADMIN and principal.org_id == org_id


def visible(principal: Principal, org_id: str, status: str) -> bool:
    """Drafts are the organisation's own business; a published plan is visible to anyone, and
    stays so once cancelled, so its candidates can see what happened to it."""
    return status != PlanStatus.DRAFT or owns(principal, org_id)


def cancellable_in_time(exam_starts_at: datetime, at: datetime) -> bool:
    """A plan can be cancelled until its exam starts; after that the candidates have sat."""
    return at < exam_starts_at
