"""Application (报名) rules: the state machine and the checks of what a candidate fills in.
Pure functions only; the service applies them."""

from __future__ import annotations

import re
from datetime import date
from enum import Enum, StrEnum
from typing import Final

from stdnum.cn import ric
from stdnum.exceptions import InvalidChecksum, InvalidComponent, ValidationError

from skillcert.errors import FieldError


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
}

#: The candidate may change the application only while review has not approved it (审核中仍可修改).
EDITABLE: Final[frozenset[ApplicationStatus]] = frozenset({S.DRAFT, S.SUBMITTED, S.REJECTED})


def can(current: ApplicationStatus, action: Action) -> bool:
    return (current, action) in TRANSITIONS


def next_status(current: ApplicationStatus, action: Action) -> ApplicationStatus:
    try:
        return TRANSITIONS[(current, action)]
    except KeyError:
        raise ValueError(f"{action} is not allowed in status {current}") from None


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
}


class EventFit(Enum):
    APPLY = "apply"
    TOO_EARLY = "too_early"
    STALE = "stale"


def fit_of(current: ApplicationStatus, action: Action) -> EventFit:
    """Whether another service's event can move the application now."""
    if can(current, action):
        return EventFit.APPLY
    if current is S.WITHDRAWN:
        return EventFit.STALE
    sources = [src for (src, act) in TRANSITIONS if act is action]
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


def resident_id_problem(number: str) -> str | None:
    """Why a resident ID number (居民身份证号码) is invalid, in Chinese; None when valid."""
    try:
        ric.validate(number)
    except InvalidChecksum:
        return "身份证号码校验位不正确，请核对后重新输入"
    except InvalidComponent:
        return "身份证号码中的出生日期或地区代码无效"
    except ValidationError:
        return "身份证号码应为18位（最后一位可为X）"
    return None


def id_number_problem(id_type: IdType, number: str) -> str | None:
    if id_type is IdType.RESIDENT_ID:
        return resident_id_problem(number)
    if not OTHER_ID_RE.match(number):
        return "证件号码应为5至30位字母或数字"
    return None


def normalise_id_number(id_type: IdType, number: str) -> str:
    number = number.strip()
    return ric.compact(number) if id_type is IdType.RESIDENT_ID else number.upper()


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
    id_birth = ric.get_birth_date(id_number)
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
