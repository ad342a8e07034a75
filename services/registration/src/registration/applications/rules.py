"""Application (报名) rules: the state machine and the checks of what a candidate fills in.
Pure functions only; the service applies them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum, StrEnum
from typing import TYPE_CHECKING, Any, Final

from skillcert.clock import china_today, format_china
from skillcert.errors import FieldError
from skillcert.resident_id import birth_date as birth_date_of
from skillcert.resident_id import compact, resident_id_problem
from skillcert.states import StateMachine

if TYPE_CHECKING:
    from registration.applications.models import Application
    from registration.plans.models import ExamPlan


class ApplicationStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    PAID = "paid"
    SCHEDULED = "scheduled"
    RESULT_PASS = "result_pass"
    RESULT_FAIL = "result_fail"
    CERTIFIED = "certified"
    WITHDRAWN = "withdrawn"
    FORFEITED = "forfeited"  # paper material not received by the deadline (视为放弃)
    CANCELLED = "cancelled"  # the organisation cancelled the exam plan
    REFUNDED = "refunded"  # the fee went back without a withdrawal: the place is given up
    CERTIFICATE_REVOKED = "certificate_revoked"


STATUS_LABELS: Final[dict[ApplicationStatus, str]] = {
    ApplicationStatus.DRAFT: "草稿",
    ApplicationStatus.SUBMITTED: "审核中",
    ApplicationStatus.APPROVED: "审核通过（待缴费）",
    ApplicationStatus.REJECTED: "审核不通过",
    ApplicationStatus.PAID: "已缴费（等待考场分配）",
    ApplicationStatus.SCHEDULED: "已分配考场",
    ApplicationStatus.RESULT_PASS: "合格",
    ApplicationStatus.RESULT_FAIL: "不合格",
    ApplicationStatus.CERTIFIED: "已发证",
    ApplicationStatus.WITHDRAWN: "已撤回",
    ApplicationStatus.FORFEITED: "逾期未邮寄材料（视为放弃）",
    ApplicationStatus.CANCELLED: "考试计划已取消",
    ApplicationStatus.REFUNDED: "已退费（报名资格终止）",
    ApplicationStatus.CERTIFICATE_REVOKED: "证书已撤销",
}


class Action(StrEnum):
    SUBMIT = "submit"
    APPROVE = "approve"
    REJECT = "reject"
    PAY = "pay"
    SCHEDULE = "schedule"
    PASS = "pass"
    FAIL = "fail"
    CERTIFY = "certify"
    WITHDRAW = "withdraw"
    FORFEIT = "forfeit"
    CANCEL = "cancel"  # the exam plan was cancelled
    REFUND = "refund"
    REVOKE_CERTIFICATE = "revoke_certificate"


S = ApplicationStatus

#: The one table of allowed transitions: (from, action) -> to.
TRANSITIONS: Final[dict[tuple[ApplicationStatus, Action], ApplicationStatus]] = {
    (S.DRAFT, Action.SUBMIT): S.SUBMITTED,
    (S.SUBMITTED, Action.SUBMIT): S.SUBMITTED,  # edited while under review: review restarts
    (S.REJECTED, Action.SUBMIT): S.SUBMITTED,  # 修改后重新提交
    (S.SUBMITTED, Action.APPROVE): S.APPROVED,
    (S.SUBMITTED, Action.REJECT): S.REJECTED,
    (S.APPROVED, Action.PAY): S.PAID,
    (S.PAID, Action.SCHEDULE): S.SCHEDULED,
    (S.SCHEDULED, Action.PASS): S.RESULT_PASS,
    (S.SCHEDULED, Action.FAIL): S.RESULT_FAIL,
    (S.RESULT_PASS, Action.CERTIFY): S.CERTIFIED,
    (S.DRAFT, Action.WITHDRAW): S.WITHDRAWN,
    (S.SUBMITTED, Action.WITHDRAW): S.WITHDRAWN,
    (S.REJECTED, Action.WITHDRAW): S.WITHDRAWN,
    (S.APPROVED, Action.WITHDRAW): S.WITHDRAWN,
    # A paid candidate withdraws (退考) only until the plan's withdrawal deadline: the fee
    # goes back and the seat, if one was allocated, is released (PAID_WITHDRAWAL).
    (S.PAID, Action.WITHDRAW): S.WITHDRAWN,
    (S.SCHEDULED, Action.WITHDRAW): S.WITHDRAWN,
    # Seed 004: approved and paid candidates who have not mailed the paper forms by the
    # deadline are treated as giving up (视为放弃考试资格).
    (S.APPROVED, Action.FORFEIT): S.FORFEITED,
    (S.PAID, Action.FORFEIT): S.FORFEITED,
    # A cancelled plan ends every application not yet past its exam; the sat ones cannot exist
    # (exam-scheduling refuses to cancel once the exam began).
    (S.DRAFT, Action.CANCEL): S.CANCELLED,
    (S.SUBMITTED, Action.CANCEL): S.CANCELLED,
    (S.REJECTED, Action.CANCEL): S.CANCELLED,
    (S.APPROVED, Action.CANCEL): S.CANCELLED,
    (S.PAID, Action.CANCEL): S.CANCELLED,
    (S.SCHEDULED, Action.CANCEL): S.CANCELLED,
    # A refund that comes without a withdrawal or cancellation (an operator refunding on the
    # merchant platform, 商户平台退款) leaves a candidate who no longer paid for the exam: the
    # place ends rather than staying "paid" with no money behind it. Payment announces refunds
    # only of the order whose payment counted (duplicates are refunded silently), so a refund
    # here always means the fee of this application is gone. After the exam the refund is
    # recorded but the result stands: what was sat and certified is a fact, not a purchase.
    (S.PAID, Action.REFUND): S.REFUNDED,
    (S.SCHEDULED, Action.REFUND): S.REFUNDED,
    (S.CERTIFIED, Action.REVOKE_CERTIFICATE): S.CERTIFICATE_REVOKED,
}

STATES = StateMachine(TRANSITIONS, refusal=lambda current, action: "当前报名状态不允许此操作")

#: The candidate may change the application only while review has not approved it (审核中仍可修改).
EDITABLE: Final[frozenset[ApplicationStatus]] = frozenset({S.DRAFT, S.SUBMITTED, S.REJECTED})

#: Staff may log the paper forms from submission on (some mail early) until the exam is over.
MAIL_IN_RECORDABLE: Final[frozenset[ApplicationStatus]] = frozenset(
    {S.SUBMITTED, S.REJECTED, S.APPROVED, S.PAID, S.SCHEDULED}
)


#: A withdrawal from these statuses gives back a paid fee, so it closes at the plan's deadline.
PAID_WITHDRAWAL: Final[frozenset[ApplicationStatus]] = frozenset({S.PAID, S.SCHEDULED})


#: What a plan cancellation ends: every application not final.
CANCELLABLE: Final[frozenset[ApplicationStatus]] = STATES.sources(Action.CANCEL)

#: Status-history notes are stored up to this length.
NOTE_MAX: Final = 500


def clip_note(text: str) -> str:
    return text if len(text) <= NOTE_MAX else text[: NOTE_MAX - 1] + "…"


def yuan(fen: int) -> str:
    """An amount in fen as the candidate reads it: 380.00."""
    return f"{fen // 100}.{fen % 100:02d}"


# How far along the journey a status is; events from other services that arrive "too early"
# (their predecessor not yet applied here) are retried, those already overtaken are dropped.
_STAGE: Final[dict[ApplicationStatus, int]] = {
    S.DRAFT: 0,
    S.SUBMITTED: 1,
    S.REJECTED: 1,
    S.APPROVED: 2,
    S.PAID: 3,
    S.SCHEDULED: 4,
    S.RESULT_PASS: 5,
    S.RESULT_FAIL: 5,
    S.CERTIFIED: 6,
    S.CERTIFICATE_REVOKED: 7,
}

#: Ended off the journey: whatever another service reports later cannot move them any more.
OFF_JOURNEY: Final[frozenset[ApplicationStatus]] = frozenset(
    {S.WITHDRAWN, S.FORFEITED, S.CANCELLED, S.REFUNDED}
)


class EventFit(Enum):
    APPLY = "apply"
    TOO_EARLY = "too_early"
    STALE = "stale"


def fit_of(current: ApplicationStatus, action: Action) -> EventFit:
    """Whether another service's event can move the application now."""
    if STATES.allows(current, action):
        return EventFit.APPLY
    if current in OFF_JOURNEY:
        return EventFit.STALE
    sources = STATES.sources(action)
    if sources and all(_STAGE[current] < _STAGE[src] for src in sources):
        return EventFit.TOO_EARLY
    return EventFit.STALE


# --- what the candidate fills in --------------------------------------------------------------

MOBILE_RE: Final = re.compile(r"^1[3-9]\d{9}$")
POSTAL_CODE_RE: Final = re.compile(r"^\d{6}$")
EMAIL_RE: Final = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
OTHER_ID_RE: Final = re.compile(r"^[A-Za-z0-9]{5,30}$")


class IdType(StrEnum):
    RESIDENT_ID = "resident_id"  # 居民身份证
    HK_MACAO_PERMIT = "hk_macao_permit"  # 港澳居民来往内地通行证
    TAIWAN_PERMIT = "taiwan_permit"  # 台湾居民来往大陆通行证
    PASSPORT = "passport"  # 护照
    FOREIGN_PERMANENT_RESIDENT = "foreign_permanent_resident"  # 外国人永久居留身份证


def id_number_problem(id_type: IdType, number: str) -> str | None:
    if id_type is IdType.RESIDENT_ID:
        return resident_id_problem(number)
    if not OTHER_ID_RE.match(number):
        return "证件号码应为5至30位字母或数字"
    return None


def normalise_id_number(id_type: IdType, number: str) -> str:
    number = number.strip()
    return compact(number) if id_type is IdType.RESIDENT_ID else number.upper()


def identity_conflicts(
    id_type: str | None,
    id_number: str | None,
    birth_date: date | None,
    gender: str | None,
    *,
    blame: str,
) -> list[FieldError]:
    """A resident ID encodes birth date and gender; both must agree with the basic info.

    `blame` says which side the candidate just changed: "id_number" or "basic_info".
    """
    if id_type != IdType.RESIDENT_ID or not id_number or resident_id_problem(id_number):
        return []
    errors: list[FieldError] = []
    id_birth = birth_date_of(id_number)
    assert id_birth is not None  # a valid number's date
    id_gender = "male" if int(id_number[16]) % 2 == 1 else "female"
    if birth_date is not None and birth_date != id_birth:
        field = "id_number" if blame == "id_number" else "birth_date"
        errors.append(
            FieldError(
                field=field,
                message=f"身份证号码中的出生日期（{id_birth.isoformat()}）与填写的出生日期"
                f"（{birth_date.isoformat()}）不一致",
                code="birth_date_mismatch",
            )
        )
    if gender is not None and gender != id_gender:
        field = "id_number" if blame == "id_number" else "gender"
        errors.append(
            FieldError(
                field=field,
                message="身份证号码显示的性别与填写的性别不一致",
                code="gender_mismatch",
            )
        )
    return errors


# --- step 1 contact details ---------------------------------------------------------------------

#: A fixed-line number (固定电话): area code 0xx/0xxx, 7–8 digits, optional extension.
LANDLINE_RE: Final = re.compile(r"^0\d{2,3}-?[2-9]\d{6,7}(-\d{1,6})?$")
#: Codes of the occupation catalogue (国家职业分类大典): 4-01-02-02, with a 工种 suffix at most.
OCCUPATION_CODE_RE: Final = re.compile(r"^\d-\d{2}-\d{2}-\d{2}(-\d{2})?$")
CERTIFICATE_NUMBER_RE: Final = re.compile(r"^[A-Za-z0-9-]{4,40}$")

#: Labour Law art. 15: no employment before 16, so no work history before then.
MIN_WORKING_AGE: Final = 16
MAX_WORK_PERIODS: Final = 20


def withdrawal_problem(status: ApplicationStatus, deadline: datetime, now: datetime) -> str | None:
    """Why a withdrawal is refused by the deadline, or None. Only a paid withdrawal has one:
    before payment there is no fee to give back and no seat planned for."""
    if status in PAID_WITHDRAWAL and now >= deadline:
        return f"已过退考截止时间（{format_china(deadline)}），缴费后不能再撤回报名"
    return None


# --- step 3 work history (工作经历) ---------------------------------------------------------------


def month_start(value: date) -> date:
    return value.replace(day=1)


def _index(month: date) -> int:
    return month.year * 12 + month.month - 1


@dataclass(frozen=True)
class Period:
    """One work period in whole months, both ends included; `to_month` None: still there."""

    from_month: date
    to_month: date | None

    def end(self, current_month: date) -> date:
        return self.to_month or current_month


def period_problems(period: Period, today: date) -> dict[str, str]:
    """Problems of one entry by its own field ('from_month' / 'to_month')."""
    current = month_start(today)
    problems: dict[str, str] = {}
    if period.from_month > current:
        problems["from_month"] = "起始年月不能晚于当前月份"
    if period.to_month is not None:
        if period.to_month < period.from_month:
            problems["to_month"] = "截止年月不能早于起始年月"
        elif period.to_month > current:
            problems["to_month"] = "截止年月不能晚于申报表签字日期（当前月份）"
    return problems


def _overlap(a: Period, b: Period, current: date) -> bool:
    """More than a hand-over: a job may end in the month the next one starts (counted once),
    anything else sharing a month is two jobs at once."""
    (first, second) = (
        (a, b) if (a.from_month, a.end(current)) <= (b.from_month, b.end(current)) else (b, a)
    )
    shared_from = max(first.from_month, second.from_month)
    shared_to = min(first.end(current), second.end(current))
    if shared_from > shared_to:
        return False
    hand_over = (
        shared_from == shared_to == first.end(current) == second.from_month
        and first.from_month < second.from_month
        and second.end(current) > first.end(current)
    )
    return not hand_over


def overlapping(periods: list[Period], today: date) -> list[tuple[int, int]]:
    """Pairs (earlier entry, later entry) by position that overlap; each later entry once."""
    current = month_start(today)
    found: list[tuple[int, int]] = []
    for j in range(len(periods)):
        for i in range(j):
            if _overlap(periods[i], periods[j], current):
                found.append((i, j))
                break
    return found


def months_worked(periods: list[Period], today: date) -> int:
    """Months covered by the history, a month shared by two entries counted once."""
    current = month_start(today)
    spans = sorted(
        (_index(p.from_month), _index(min(p.end(current), current)))
        for p in periods
        if p.from_month <= current
    )
    total, reached = 0, -1
    for start, end in spans:
        start = max(start, reached + 1)
        if end >= start:
            total += end - start + 1
            reached = end
    return total


def too_young(period_start: date, birth_date: date | None) -> bool:
    if birth_date is None:
        return False
    try:
        sixteenth = birth_date.replace(year=birth_date.year + MIN_WORKING_AGE)
    except ValueError:  # born on 29 February
        sixteenth = date(birth_date.year + MIN_WORKING_AGE, 3, 1)
    return period_start < month_start(sixteenth)


# --- step 4 prior certificate (原证书) -----------------------------------------------------------


def prior_level_problem(level: int, prior_level: int) -> str | None:
    """The certificate must be at least the level the condition names (1 is the highest)."""
    if level <= prior_level:
        return None
    return f"原证书等级须为{prior_level}级及以上"


# --- derived from an application (pure: the rows are read, never loaded) ------------------


def steps_done(application: Application, plan: ExamPlan) -> dict[str, bool]:
    return {
        "basic_info": application.name is not None,
        "identity": application.identity is not None,
        "registration_info": application.id_number is not None,
        "condition": application.condition_code is not None or not plan.conditions,
    }


def periods_of(work_history: list[dict[str, Any]]) -> list[Period]:
    return [
        Period(
            date.fromisoformat(w["from_month"]),
            date.fromisoformat(w["to_month"]) if w.get("to_month") else None,
        )
        for w in work_history
    ]


def total_work_months(application: Application, today: date | None = None) -> int | None:
    """None when no history was given: "no months" and "not told" differ for review."""
    if not application.work_history:
        return None
    return months_worked(periods_of(application.work_history), today or china_today())
