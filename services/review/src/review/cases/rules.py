"""Review rules (审核规则): the case state machine, rejection reasons, automatic pre-checks,
ID number checksum (GB 11643) and the due date in working days. Pure functions, no I/O."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from enum import StrEnum
from typing import Any

import chinese_calendar

from skillcert.events import PlanCondition, SubmittedDocument

log = logging.getLogger("review.rules")


# --- state machine --------------------------------------------------------------------------


class CaseStatus(StrEnum):
    PENDING = "pending"  # 审核中
    APPROVED = "approved"  # 审核通过
    REJECTED = "rejected"  # 审核不通过
    WITHDRAWN = "withdrawn"  # 已撤回


class CaseAction(StrEnum):
    RESUBMIT = "resubmit"
    APPROVE = "approve"
    REJECT = "reject"
    WITHDRAW = "withdraw"


# The one table of allowed transitions. The candidate may still edit while 审核中, so a new
# revision of a pending case keeps it pending (and back at the end of the queue). Withdrawal is
# registration's decision: whatever review concluded, the case must follow it.
TRANSITIONS: dict[tuple[CaseStatus, CaseAction], CaseStatus] = {
    (CaseStatus.PENDING, CaseAction.APPROVE): CaseStatus.APPROVED,
    (CaseStatus.PENDING, CaseAction.REJECT): CaseStatus.REJECTED,
    (CaseStatus.PENDING, CaseAction.WITHDRAW): CaseStatus.WITHDRAWN,
    (CaseStatus.PENDING, CaseAction.RESUBMIT): CaseStatus.PENDING,
    (CaseStatus.APPROVED, CaseAction.RESUBMIT): CaseStatus.PENDING,
    (CaseStatus.REJECTED, CaseAction.RESUBMIT): CaseStatus.PENDING,
    (CaseStatus.APPROVED, CaseAction.WITHDRAW): CaseStatus.WITHDRAWN,
    (CaseStatus.REJECTED, CaseAction.WITHDRAW): CaseStatus.WITHDRAWN,
}


def next_status(current: CaseStatus, action: CaseAction) -> CaseStatus | None:
    """The status `action` leads to from `current`, or None when it is not allowed."""
    return TRANSITIONS.get((current, action))


def is_stale(incoming_revision: int, seen_revision: int) -> bool:
    """A revision not newer than the one already under review is a late or repeated delivery."""
    return incoming_revision <= seen_revision


# --- revisions ------------------------------------------------------------------------------


class RevisionOutcome(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    SUPERSEDED = "superseded"  # edited by the candidate before a decision


# --- audit trail (审核日志) ------------------------------------------------------------------


class ActorKind(StrEnum):
    CANDIDATE = "candidate"  # through registration's events
    REVIEWER = "reviewer"


class AuditAction(StrEnum):
    OPENED = "opened"
    RESUBMITTED = "resubmitted"
    CLAIMED = "claimed"
    CLAIM_EXTENDED = "claim_extended"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


# --- claims (领取) ---------------------------------------------------------------------------


def lease_active(expires_at: datetime | None, now: datetime) -> bool:
    return expires_at is not None and expires_at > now


# --- rejection reasons (驳回原因) ------------------------------------------------------------


class RejectionCode(StrEnum):
    MATERIALS_INCOMPLETE = "materials_incomplete"
    PHOTO_INVALID = "photo_invalid"
    NOT_ELIGIBLE = "not_eligible"
    ID_MISMATCH = "id_mismatch"
    INFO_INCORRECT = "info_incorrect"
    OTHER = "other"


# The standard text a candidate reads when the reviewer gives no text of their own.
REJECTION_LABELS: dict[RejectionCode, str] = {
    RejectionCode.MATERIALS_INCOMPLETE: "申报材料不齐全，请按所选申报条件补充上传",
    RejectionCode.PHOTO_INVALID: "照片不符合要求（白底证件照，JPG 格式，40–80 KB）",
    RejectionCode.NOT_ELIGIBLE: "不符合所选申报条件",
    RejectionCode.ID_MISMATCH: "身份证件信息与上传的证件照片不一致",
    RejectionCode.INFO_INCORRECT: "报名信息填写有误",
    RejectionCode.OTHER: "其他原因",
}


def rejection_text(code: RejectionCode, text: str | None) -> str:
    return text or REJECTION_LABELS[code]


# --- materials ------------------------------------------------------------------------------

# Labels of the material kinds the seeds name; an unknown kind is shown by its code.
MATERIAL_LABELS: dict[str, str] = {
    "id_front": "身份证人像面",
    "id_back": "身份证国徽面",
    "photo": "白底证件照",
    "application_form": "职业技能等级认定申请表",
    "prior_certificate": "原职业技能等级证书",
    "work_pledge": "工作年限承诺书",
    "diploma": "学历证书",
    "education_pledge": "学历承诺书",
}


def material_label(kind: str) -> str:
    return MATERIAL_LABELS.get(kind, kind)


PHOTO_KIND = "photo"
PHOTO_CONTENT_TYPES = frozenset({"image/jpeg", "image/jpg"})
PHOTO_MIN_BYTES = 40 * 1024
PHOTO_MAX_BYTES = 80 * 1024


# --- ID number (GB 11643-1999) --------------------------------------------------------------

RESIDENT_ID_TYPES = frozenset({"resident_id", "id_card", "居民身份证", "身份证"})

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS = "10X98765432"


def id_check_char(first17: str) -> str:
    """The GB 11643 check character: ISO 7064 MOD 11-2 over the first 17 digits."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK_CHARS[total % 11]


def id_birth_date(number: str) -> date | None:
    """The birth date encoded in an 18-digit resident ID number, or None when impossible."""
    try:
        return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def is_valid_resident_id(number: str, today: date | None = None) -> bool:
    """An 18-character resident ID (居民身份证号码): 17 digits, real birth date, check char."""
    number = number.upper()
    if len(number) != 18 or not number[:17].isdigit() or number[0] == "0":
        return False
    born = id_birth_date(number)
    if born is None or born.year < 1900 or (today is not None and born > today):
        return False
    return id_check_char(number[:17]) == number[17]


# --- automatic pre-checks (自动预审) ----------------------------------------------------------


class CheckOutcome(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    SKIPPED = "skipped"  # not applicable, or nothing to check against


class CheckCode(StrEnum):
    CONDITION = "condition"
    MATERIALS = "materials_complete"
    PHOTO = "photo_format"
    ID_NUMBER = "id_checksum"
    BIRTH_DATE = "birth_date_matches_id"
    YEARS_WORKED = "years_worked"


@dataclass(frozen=True)
class Finding:
    code: CheckCode
    outcome: CheckOutcome
    message: str
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Submission:
    """What the pre-checks look at in one revision of an application."""

    id_type: str
    id_number: str
    birth_date: date | None
    condition_code: str | None
    years_worked: int | None
    documents: Sequence[SubmittedDocument]


def find_condition(conditions: Sequence[PlanCondition], code: str | None) -> PlanCondition | None:
    return next((c for c in conditions if code is not None and c.code == code), None)


def run_prechecks(
    submission: Submission, conditions: Sequence[PlanCondition] | None, today: date
) -> list[Finding]:
    """Every automatic check of one revision. `conditions` is None when the plan is unknown
    here (its publication not yet received): the checks that need it are skipped, not failed,
    so the reviewer checks by hand instead of the candidate being blamed."""
    condition = find_condition(conditions or [], submission.condition_code)
    return [
        _check_condition(submission, conditions, condition),
        _check_materials(submission, conditions, condition),
        _check_photo(submission),
        *_check_id(submission, today),
        _check_years(submission, condition),
    ]


def _check_condition(
    submission: Submission,
    conditions: Sequence[PlanCondition] | None,
    condition: PlanCondition | None,
) -> Finding:
    code = CheckCode.CONDITION
    if conditions is None:
        return Finding(code, CheckOutcome.SKIPPED, "未收到考试计划信息，无法核对申报条件")
    if not conditions:
        return Finding(code, CheckOutcome.SKIPPED, "该考试计划未设置申报条件")
    if submission.condition_code is None:
        return Finding(code, CheckOutcome.FAILED, "未选择申报条件")
    if condition is None:
        return Finding(
            code,
            CheckOutcome.FAILED,
            "所选申报条件不属于该考试计划",
            {"condition_code": submission.condition_code},
        )
    return Finding(code, CheckOutcome.PASSED, f"申报条件：{condition.title}")


def _check_materials(
    submission: Submission,
    conditions: Sequence[PlanCondition] | None,
    condition: PlanCondition | None,
) -> Finding:
    code = CheckCode.MATERIALS
    if condition is None:
        return Finding(code, CheckOutcome.SKIPPED, "申报条件未确定，无法核对所需材料")
    submitted = {d.kind for d in submission.documents}
    missing = [kind for kind in condition.required_materials if kind not in submitted]
    if missing:
        labels = "、".join(material_label(kind) for kind in missing)
        return Finding(code, CheckOutcome.FAILED, f"缺少材料：{labels}", {"missing": missing})
    return Finding(code, CheckOutcome.PASSED, "所需材料齐全")


def _check_photo(submission: Submission) -> Finding:
    code = CheckCode.PHOTO
    photos = [d for d in submission.documents if d.kind == PHOTO_KIND]
    if not photos:
        return Finding(code, CheckOutcome.SKIPPED, "未上传个人照片")
    photo = photos[-1]
    problems = []
    if photo.content_type.lower() not in PHOTO_CONTENT_TYPES:
        problems.append("照片应为 JPG 格式")
    if not PHOTO_MIN_BYTES <= photo.size <= PHOTO_MAX_BYTES:
        problems.append("照片大小应在 40–80 KB 之间")
    details = {"content_type": photo.content_type, "size": photo.size}
    if problems:
        return Finding(code, CheckOutcome.FAILED, "；".join(problems), details)
    return Finding(code, CheckOutcome.PASSED, "照片格式与大小符合要求", details)


def _check_id(submission: Submission, today: date) -> list[Finding]:
    if submission.id_type not in RESIDENT_ID_TYPES:
        return [
            Finding(
                CheckCode.ID_NUMBER,
                CheckOutcome.SKIPPED,
                "非居民身份证，请人工核对证件号码",
                {"id_type": submission.id_type},
            )
        ]
    if not is_valid_resident_id(submission.id_number, today):
        return [Finding(CheckCode.ID_NUMBER, CheckOutcome.FAILED, "身份证号码校验未通过")]
    found = [Finding(CheckCode.ID_NUMBER, CheckOutcome.PASSED, "身份证号码校验通过")]
    if submission.birth_date is not None:
        if id_birth_date(submission.id_number) == submission.birth_date:
            found.append(
                Finding(CheckCode.BIRTH_DATE, CheckOutcome.PASSED, "出生日期与身份证号码一致")
            )
        else:
            found.append(
                Finding(CheckCode.BIRTH_DATE, CheckOutcome.FAILED, "出生日期与身份证号码不一致")
            )
    return found


def _check_years(submission: Submission, condition: PlanCondition | None) -> Finding:
    code = CheckCode.YEARS_WORKED
    if condition is None or condition.min_years_after_prior is None:
        return Finding(code, CheckOutcome.SKIPPED, "所选申报条件无工作年限要求")
    required = condition.min_years_after_prior
    details = {"required": required, "declared": submission.years_worked}
    if submission.years_worked is None:
        return Finding(
            code, CheckOutcome.FAILED, f"未填写工作年限（要求满 {required} 年）", details
        )
    if submission.years_worked < required:
        return Finding(
            code,
            CheckOutcome.FAILED,
            f"工作年限 {submission.years_worked} 年，不满 {required} 年",
            details,
        )
    return Finding(code, CheckOutcome.PASSED, f"工作年限满 {required} 年", details)


@dataclass(frozen=True)
class FindingsSummary:
    passed: int
    failed: int
    skipped: int
    failed_codes: list[str]


def summarize(outcomes: Sequence[tuple[str, str]]) -> FindingsSummary:
    """Summary of (code, outcome) pairs for the queue."""
    return FindingsSummary(
        passed=sum(1 for _, o in outcomes if o == CheckOutcome.PASSED),
        failed=sum(1 for _, o in outcomes if o == CheckOutcome.FAILED),
        skipped=sum(1 for _, o in outcomes if o == CheckOutcome.SKIPPED),
        failed_codes=[c for c, o in outcomes if o == CheckOutcome.FAILED],
    )


# --- due date (审核时限) ---------------------------------------------------------------------

# Working days are Beijing calendar days; China has no daylight saving, so a fixed offset is
# exact and needs no tz database.
CHINA_TZ = timezone(timedelta(hours=8), "Asia/Shanghai")


def is_workday(day: date) -> bool:
    """Chinese working day (调休 included); outside the years the calendar knows, Mon–Fri."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        log.warning("no holiday calendar for %s; counting Monday to Friday", day.year)
        return day.weekday() < 5


def due_at(
    submitted_at: datetime,
    working_days: int,
    workday: Callable[[date], bool] = is_workday,
) -> datetime:
    """The review deadline: the same Beijing clock time on the `working_days`-th working day
    after the day of submission (weekends and public holidays skipped, make-up days counted)."""
    local = submitted_at.astimezone(CHINA_TZ)
    day = local.date()
    counted = 0
    while counted < working_days:
        day += timedelta(days=1)
        if workday(day):
            counted += 1
    return datetime.combine(day, local.timetz()).astimezone(UTC)
