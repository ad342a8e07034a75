"""Exam plan rules: the plan state machine, window ordering and subject checks. No I/O."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING

from skillcert.auth import Principal, Role
from skillcert.clock import in_china
from skillcert.errors import FieldError
from skillcert.events import MATERIAL_KINDS
from skillcert.states import StateMachine

if TYPE_CHECKING:
    from exam_scheduling.plans.schemas import PlanIn

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


def plan_problems(data: PlanIn, known_occupations: set[str]) -> list[FieldError]:
    """Field errors pydantic cannot see: window order, unique codes, pass within full score,
    and the conditions: prior level below the plan's, related occupations of the catalogue
    (`known_occupations`), materials registration accepts."""
    problems: list[FieldError] = []

    def problem(field: str, message: str) -> None:
        problems.append(FieldError(field=field, message=message, code="rule"))

    if data.registration_closes_at <= data.registration_opens_at:
        problem("registration_closes_at", "报名截止时间须晚于报名开始时间")
    if data.exam_starts_at < data.registration_closes_at:
        problem("exam_starts_at", "考试开始时间不得早于报名截止时间")
    if data.exam_ends_at <= data.exam_starts_at:
        problem("exam_ends_at", "考试结束时间须晚于考试开始时间")
    if data.withdrawal_closes_at is not None:
        if data.withdrawal_closes_at <= data.registration_opens_at:
            problem("withdrawal_closes_at", "退考截止时间须晚于报名开始时间")
        elif data.withdrawal_closes_at > data.exam_starts_at:
            problem("withdrawal_closes_at", "退考截止时间不得晚于考试开始时间")
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


def withdrawal_deadline(data: PlanIn) -> datetime:
    """The plan's withdrawal deadline (退考截止时间); registration's close unless set."""
    return data.withdrawal_closes_at or data.registration_closes_at


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
