"""Automatic pre-checks (自动预审) of a submitted application: materials and photo, ID number
(GB 11643), the eligibility condition's years of work, the previous certificate, the work
history, mail-in. Pure functions, no I/O."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from review.cases.labels import level_name, material_label
from skillcert.clock import format_china
from skillcert.events import PlanCondition, PriorCertificate, SubmittedDocument, WorkPeriod
from skillcert.resident_id import birth_date, compact, is_resident_id

# --- photo ----------------------------------------------------------------------------------

PHOTO_KIND = "photo"
PHOTO_CONTENT_TYPES = frozenset({"image/jpeg", "image/jpg"})
PHOTO_MIN_BYTES = 40 * 1024
PHOTO_MAX_BYTES = 80 * 1024


# --- ID number (GB 11643-1999) --------------------------------------------------------------

RESIDENT_ID_TYPES = frozenset({"resident_id", "id_card", "居民身份证", "身份证"})


# --- automatic pre-checks (自动预审) ----------------------------------------------------------


class CheckOutcome(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    SKIPPED = "skipped"  # not applicable, or nothing to check against
    INFO = "info"  # nothing to judge, something the reviewer must know (e.g. mail-in)


class CheckCode(StrEnum):
    CONDITION = "condition"
    MATERIALS = "materials_complete"
    PHOTO = "photo_format"
    ID_NUMBER = "id_checksum"
    BIRTH_DATE = "birth_date_matches_id"
    YEARS_WORKED = "years_worked"
    PRIOR_CERTIFICATE = "prior_certificate"
    PRIOR_LEVEL = "prior_certificate_level"
    PRIOR_OCCUPATION = "prior_certificate_occupation"
    PRIOR_ISSUED = "prior_certificate_issued"
    WORK_AFTER_PRIOR = "work_after_prior_certificate"
    WORK_HISTORY_DATES = "work_history_dates"
    WORK_HISTORY_OVERLAP = "work_history_overlap"
    MAIL_IN = "mail_in"


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
    prior_certificate: PriorCertificate | None = None
    work_history: Sequence[WorkPeriod] = ()
    total_work_months: int | None = None


@dataclass(frozen=True)
class PlanFacts:
    """What the pre-checks need of the exam plan, from the plan read model.

    `related_occupations` of a condition are taken as published: exam-scheduling has already
    removed the exceptions (seed 004: 电子商务师 is currently not related for 供应链管理师), so
    review must not keep a second list of its own. Entries may be occupation codes or names."""

    conditions: Sequence[PlanCondition]
    occupation_code: str | None = None
    occupation_name: str | None = None
    requires_mail_in: bool = False
    mail_in_deadline: datetime | None = None


def find_condition(conditions: Sequence[PlanCondition], code: str | None) -> PlanCondition | None:
    return next((c for c in conditions if code is not None and c.code == code), None)


def run_prechecks(submission: Submission, plan: PlanFacts | None, today: date) -> list[Finding]:
    """Every automatic check of one revision, `today` being the Beijing date of submission.
    `plan` is None when the plan is unknown here (its publication not yet received): the
    checks that need it are skipped, not failed, so the reviewer checks by hand instead of the
    candidate being blamed."""
    conditions = plan.conditions if plan is not None else None
    condition = find_condition(conditions or [], submission.condition_code)
    return [
        _check_condition(submission, conditions, condition),
        _check_materials(submission, conditions, condition),
        _check_photo(submission),
        *_check_id(submission, today),
        _check_years(submission, condition),
        *_check_prior_certificate(submission, plan, condition, today),
        _check_work_after_prior(submission, condition, today),
        _check_history_dates(submission, today),
        _check_history_overlap(submission, today),
        *_check_mail_in(plan),
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
    number = compact(submission.id_number)
    if not is_resident_id(number, today):
        return [Finding(CheckCode.ID_NUMBER, CheckOutcome.FAILED, "身份证号码校验未通过")]
    found = [Finding(CheckCode.ID_NUMBER, CheckOutcome.PASSED, "身份证号码校验通过")]
    if submission.birth_date is not None:
        if birth_date(number) == submission.birth_date:
            found.append(
                Finding(CheckCode.BIRTH_DATE, CheckOutcome.PASSED, "出生日期与身份证号码一致")
            )
        else:
            found.append(
                Finding(CheckCode.BIRTH_DATE, CheckOutcome.FAILED, "出生日期与身份证号码不一致")
            )
    return found


# --- work time: months ----------------------------------------------------------------------

# Work history is kept to the month (seed 001: 起止时间填写至月份), so all arithmetic is on
# month numbers; a period "2019-07—2024-06" covers both its first and its last month.


def month_number(day: date) -> int:
    return day.year * 12 + day.month - 1


def months_text(months: int) -> str:
    years, rest = divmod(months, 12)
    if rest == 0:
        return f"{years} 年"
    return f"{years} 年 {rest} 个月" if years else f"{rest} 个月"


def _span(period: WorkPeriod, today: date) -> tuple[int, int]:
    """First and last month of a period; one still running ends this month."""
    end = period.to_month if period.to_month is not None else today
    return month_number(period.from_month), month_number(end)


def months_worked_after(history: Sequence[WorkPeriod], after: date, today: date) -> int:
    """Months of work strictly after the month of `after`, overlapping periods counted once,
    nothing counted beyond this month."""
    covered: set[int] = set()
    first_counted, last_counted = month_number(after) + 1, month_number(today)
    for period in history:
        start, end = _span(period, today)
        covered.update(range(max(start, first_counted), min(end, last_counted) + 1))
    return len(covered)


def _check_years(submission: Submission, condition: PlanCondition | None) -> Finding:
    """Years of work against the condition: the months registration counted from the history
    (overlaps once) when there is a history, else the years the candidate declared."""
    code = CheckCode.YEARS_WORKED
    if condition is None or condition.min_years_after_prior is None:
        return Finding(code, CheckOutcome.SKIPPED, "所选申报条件无工作年限要求")
    required = condition.min_years_after_prior
    details: dict[str, Any] = {
        "required": required,
        "declared": submission.years_worked,
        "total_work_months": submission.total_work_months,
    }
    if submission.total_work_months is not None:
        months = submission.total_work_months
        details["source"] = "work_history"
        if months < required * 12:
            return Finding(
                code,
                CheckOutcome.FAILED,
                f"工作经历累计 {months_text(months)}，不满 {required} 年",
                details,
            )
        return Finding(
            code,
            CheckOutcome.PASSED,
            f"工作经历累计 {months_text(months)}，满 {required} 年",
            details,
        )
    details["source"] = "declared"
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


def _check_work_after_prior(
    submission: Submission, condition: PlanCondition | None, today: date
) -> Finding:
    """The seeds count the years *after* the previous certificate (取得证书后累计从事…满N年):
    when the issue date and a history are known, only the months after it count."""
    code = CheckCode.WORK_AFTER_PRIOR
    if condition is None or condition.prior_level is None:
        return Finding(code, CheckOutcome.SKIPPED, "所选申报条件不要求原证书")
    if condition.min_years_after_prior is None:
        return Finding(code, CheckOutcome.SKIPPED, "所选申报条件无取证后工作年限要求")
    prior = submission.prior_certificate
    if prior is None or prior.issued_on is None:
        return Finding(
            code, CheckOutcome.SKIPPED, "未填写原证书发证日期，请人工核对取证后的工作年限"
        )
    if not submission.work_history:
        return Finding(code, CheckOutcome.SKIPPED, "未填写工作经历，请人工核对取证后的工作年限")
    required = condition.min_years_after_prior
    months = months_worked_after(submission.work_history, prior.issued_on, today)
    details = {"required": required, "months": months, "issued_on": prior.issued_on.isoformat()}
    if months < required * 12:
        return Finding(
            code,
            CheckOutcome.FAILED,
            f"取得原证书后工作经历累计 {months_text(months)}，不满 {required} 年",
            details,
        )
    return Finding(
        code,
        CheckOutcome.PASSED,
        f"取得原证书后工作经历累计 {months_text(months)}，满 {required} 年",
        details,
    )


def _occupation_keys(*values: str | None) -> set[str]:
    return {v.strip() for v in values if v is not None and v.strip()}


def _check_prior_certificate(
    submission: Submission, plan: PlanFacts | None, condition: PlanCondition | None, today: date
) -> list[Finding]:
    """The previous certificate the condition builds on: present, of the required level or
    higher (1 is the highest, so level <= prior_level), in the plan's own occupation or a
    related one, issued no later than the day of submission."""
    code = CheckCode.PRIOR_CERTIFICATE
    if condition is None:
        return [Finding(code, CheckOutcome.SKIPPED, "申报条件未确定，无法核对原证书")]
    if condition.prior_level is None:
        return [Finding(code, CheckOutcome.SKIPPED, "所选申报条件不要求原证书")]
    required = condition.prior_level
    prior = submission.prior_certificate
    if prior is None:
        return [
            Finding(
                code,
                CheckOutcome.FAILED,
                f"未填写原职业技能等级证书信息（要求{level_name(required)}及以上）",
                {"required_level": required},
            )
        ]
    found = [
        Finding(
            code,
            CheckOutcome.PASSED,
            f"已填写原证书：{prior.occupation_name or prior.occupation_code}"
            f"（{level_name(prior.level)}）",
        )
    ]
    level_details = {"level": prior.level, "required_level": required}
    if prior.level <= required:
        found.append(
            Finding(
                CheckCode.PRIOR_LEVEL,
                CheckOutcome.PASSED,
                f"原证书等级{level_name(prior.level)}，符合{level_name(required)}及以上的要求",
                level_details,
            )
        )
    else:
        found.append(
            Finding(
                CheckCode.PRIOR_LEVEL,
                CheckOutcome.FAILED,
                f"原证书等级{level_name(prior.level)}，须为{level_name(required)}及以上",
                level_details,
            )
        )
    found.append(_check_prior_occupation(prior, plan, condition))
    found.append(_check_prior_issued(prior, today))
    return found


def _check_prior_occupation(
    prior: PriorCertificate, plan: PlanFacts | None, condition: PlanCondition
) -> Finding:
    code = CheckCode.PRIOR_OCCUPATION
    held = prior.occupation_name or prior.occupation_code
    details: dict[str, Any] = {"occupation_code": prior.occupation_code}
    if plan is None or not _occupation_keys(plan.occupation_code, plan.occupation_name):
        return Finding(code, CheckOutcome.SKIPPED, "未收到考试计划的职业信息，请人工核对原证书职业")
    keys = _occupation_keys(prior.occupation_code, prior.occupation_name)
    if keys & _occupation_keys(plan.occupation_code, plan.occupation_name):
        return Finding(code, CheckOutcome.PASSED, f"原证书职业为本职业（{held}）", details)
    if keys & _occupation_keys(*condition.related_occupations):
        details["related"] = True
        return Finding(code, CheckOutcome.PASSED, f"原证书职业{held}属于相关职业", details)
    return Finding(
        code,
        CheckOutcome.FAILED,
        f"原证书职业{held}既非本职业（{plan.occupation_name or plan.occupation_code}），"
        "也不在该申报条件的相关职业之列",
        details,
    )


def _check_prior_issued(prior: PriorCertificate, today: date) -> Finding:
    code = CheckCode.PRIOR_ISSUED
    if prior.issued_on is None:
        return Finding(code, CheckOutcome.SKIPPED, "未填写原证书发证日期，请人工核对")
    details = {"issued_on": prior.issued_on.isoformat()}
    # A certificate can be issued on the very day the candidate applies; only a later one is
    # impossible.
    if prior.issued_on > today:
        return Finding(code, CheckOutcome.FAILED, "原证书发证日期晚于报名提交日期", details)
    return Finding(
        code, CheckOutcome.PASSED, f"原证书发证日期 {prior.issued_on.isoformat()}", details
    )


# --- work history sanity (工作经历) ----------------------------------------------------------


def _entry_label(index: int, period: WorkPeriod) -> str:
    return f"第 {index + 1} 段（{period.unit}）"


def _check_history_dates(submission: Submission, today: date) -> Finding:
    """Each period runs forwards and none lies after the submission, which stands in for the
    signing date of the form (seed 004: 与申报表签字时间无冲突)."""
    code = CheckCode.WORK_HISTORY_DATES
    if not submission.work_history:
        return Finding(code, CheckOutcome.SKIPPED, "未填写工作经历")
    now = month_number(today)
    problems: list[dict[str, Any]] = []
    texts: list[str] = []
    for index, period in enumerate(submission.work_history):
        start = month_number(period.from_month)
        end = month_number(period.to_month) if period.to_month is not None else None
        if end is not None and end < start:
            problems.append({"index": index, "problem": "ends_before_start"})
            texts.append(f"{_entry_label(index, period)}截止年月早于起始年月")
        if start > now:
            problems.append({"index": index, "problem": "starts_in_future"})
            texts.append(f"{_entry_label(index, period)}起始年月晚于报名提交月份")
        elif end is not None and end > now:
            problems.append({"index": index, "problem": "ends_in_future"})
            texts.append(f"{_entry_label(index, period)}截止年月晚于报名提交月份")
    if problems:
        return Finding(code, CheckOutcome.FAILED, "；".join(texts), {"problems": problems})
    return Finding(code, CheckOutcome.PASSED, "工作经历起止时间合理")


def _check_history_overlap(submission: Submission, today: date) -> Finding:
    """Periods must not overlap. A job change within one month puts that month at the end of
    one period and the start of the next, so a shared boundary month is not an overlap."""
    code = CheckCode.WORK_HISTORY_OVERLAP
    if not submission.work_history:
        return Finding(code, CheckOutcome.SKIPPED, "未填写工作经历")
    spans = sorted(
        (span, index)
        for index, period in enumerate(submission.work_history)
        if (span := _span(period, today))[1] >= span[0]  # reversed ones are a dates finding
    )
    pairs: list[list[int]] = []
    for position, ((start, _), index) in enumerate(spans):
        for (_, earlier_end), earlier in spans[:position]:
            if start < earlier_end:
                pairs.append(sorted([earlier, index]))
    if pairs:
        history = submission.work_history
        texts = [
            f"{_entry_label(a, history[a])}与{_entry_label(b, history[b])}时间重叠"
            for a, b in pairs
        ]
        return Finding(code, CheckOutcome.FAILED, "；".join(texts), {"overlaps": pairs})
    return Finding(code, CheckOutcome.PASSED, "工作经历时间无重叠")


# --- mail-in (纸质材料邮寄) -----------------------------------------------------------------


def _check_mail_in(plan: PlanFacts | None) -> list[Finding]:
    """Seed 004 (Beijing): the signed forms and pledges go by mail before the registration
    deadline, or the candidate forfeits. Review cannot check post, so it only tells."""
    if plan is None or not plan.requires_mail_in:
        return []
    details: dict[str, Any] = {}
    deadline = ""
    if plan.mail_in_deadline is not None:
        details["deadline"] = plan.mail_in_deadline.isoformat()
        deadline = f"（{format_china(plan.mail_in_deadline)}）"
    return [
        Finding(
            CheckCode.MAIL_IN,
            CheckOutcome.INFO,
            "该考试计划要求邮寄纸质材料（申报表一式两份、工作经历/学历承诺书），"
            f"须于报名截止{deadline}前寄达，逾期视为放弃考试资格",
            details,
        )
    ]


@dataclass(frozen=True)
class FindingsSummary:
    passed: int
    failed: int
    skipped: int
    info: int
    failed_codes: list[str]


def summarize(outcomes: Sequence[tuple[str, str]]) -> FindingsSummary:
    """Summary of (code, outcome) pairs for the queue."""
    return FindingsSummary(
        passed=sum(1 for _, o in outcomes if o == CheckOutcome.PASSED),
        failed=sum(1 for _, o in outcomes if o == CheckOutcome.FAILED),
        skipped=sum(1 for _, o in outcomes if o == CheckOutcome.SKIPPED),
        info=sum(1 for _, o in outcomes if o == CheckOutcome.INFO),
        failed_codes=[c for c, o in outcomes if o == CheckOutcome.FAILED],
    )
