"""报考: an institution registers its roster students for an exam plan within its quota, and
deletes registrations, from spreadsheet files; all or nothing per file. Flushes only."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from registration.entries.models import ExamEntry
from registration.entries.repository import EntryRepository
from registration.entries.rules import (
    AUDIENCE,
    DELETION_REASON,
    ID_NUMBER,
    MAX_FILE_BYTES,
    MAX_ROWS,
    NAME,
    OPTIONAL_COLUMNS,
    SUBJECT_CODE,
    EntryMode,
    audience_choices,
    column_order,
    entering_institution,
    normalise_id_number,
    quota_exceeded,
    required_headers,
    row_field,
    row_message,
)
from registration.entries.rules import (
    COLUMNS as ENTRY_COLUMNS,
)
from registration.entries.schemas import (
    EntryDeletionOut,
    EntryImportOut,
    EntryPlanOut,
    entry_plan_out,
)
from registration.plans.models import ExamPlan
from registration.plans.repository import PlanRepository
from registration.plans.rules import window_open
from registration.quotas.models import Quota
from registration.quotas.repository import QuotaRepository
from registration.quotas.rules import quota_year, remaining
from registration.quotas.schemas import QuotaOut, quota_out
from registration.roster.models import RosterStudent
from registration.roster.rules import PhotoStatus, exam_blocker
from skillcert import outbox
from skillcert.auth import Principal
from skillcert.clock import CHINA, format_china
from skillcert.errors import FieldError, InvalidInput
from skillcert.events import EntryDeleted, EntryRegistered
from skillcert.paging import Slice
from skillcert.spreadsheets import file_error, read_sheet

PLAN_ID = "plan_id"


@dataclass(frozen=True)
class EntryLine:
    """One line of a 报考 or deletion file."""

    line: int
    name: str
    id_number: str
    subject_code: str | None
    #: 参考对象 as written, None when the cell is empty or the file has no such column
    audience: str | None = None


class _Problems:
    """Every bad line of a file, at most one problem per cell, in sheet order."""

    def __init__(self) -> None:
        self.found: dict[tuple[int, str], FieldError] = {}

    def add(self, line: int, field: str, problem: str, code: str) -> None:
        self.found.setdefault(
            (line, field),
            FieldError(
                field=row_field(line, field), message=row_message(line, field, problem), code=code
            ),
        )

    def bad(self, line: int) -> bool:
        return any(key[0] == line for key in self.found)

    def raise_if_any(self, outcome: str) -> None:
        if self.found:
            keys = sorted(self.found, key=lambda k: (k[0], column_order(k[1])))
            errors = [self.found[k] for k in keys]
            raise InvalidInput(f"文件中有 {len(errors)} 处错误，{outcome}", errors=errors)


def parse_lines(data: bytes, mode: EntryMode, problems: _Problems) -> list[EntryLine]:
    """The lines of a filled-in template; blank cells and lines given twice are reported."""
    fields = dict(ENTRY_COLUMNS[mode])
    sheet = read_sheet(
        data,
        required_headers(mode),
        locate=lambda line, header: row_field(line, fields[header]),
        max_bytes=MAX_FILE_BYTES,
        max_rows=MAX_ROWS,
        optional=OPTIONAL_COLUMNS,
    )
    lines: list[EntryLine] = []
    first: dict[tuple[str, str | None], int] = {}
    for sheet_line in sheet:
        cells = {fields[h]: v.strip() for h, v in sheet_line.cells.items()}
        line = EntryLine(
            sheet_line.number,
            cells[NAME],
            normalise_id_number(cells[ID_NUMBER]),
            cells.get(SUBJECT_CODE) if mode is EntryMode.SUBJECT else None,
            cells.get(AUDIENCE) or None,
        )
        if not line.name:
            problems.add(line.line, NAME, "请填写姓名", "missing")
        if not line.id_number:
            problems.add(line.line, ID_NUMBER, "请填写证件号码", "missing")
        if mode is EntryMode.SUBJECT and not line.subject_code:
            problems.add(line.line, SUBJECT_CODE, "请填写科目代码", "missing")
        key = (line.id_number, line.subject_code)
        if line.id_number and not problems.bad(line.line):
            if key in first:
                problems.add(line.line, ID_NUMBER, f"与第{first[key]}行重复", "duplicate")
            else:
                first[key] = line.line
        lines.append(line)
    if not lines:
        raise file_error("文件中没有考生数据")
    return lines


def _plan_problem(message: str) -> InvalidInput:
    return InvalidInput(message, errors=[FieldError(field=PLAN_ID, message=message)])


def _in_plan_order(plan: ExamPlan, codes: set[str]) -> list[str]:
    return [str(s["code"]) for s in plan.subjects if str(s["code"]) in codes]


class EntryService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repo = EntryRepository(session)
        self.quotas = QuotaRepository(session)
        self.plan_repo = PlanRepository(session)

    async def _plan_in_window(self, plan_id: UUID, at: datetime) -> ExamPlan:
        """The plan, locked against its cancellation, if its registration window is open."""
        plan = await self.plan_repo.locked(plan_id, exclusive=False)
        if plan is None:
            raise _plan_problem("考试计划不存在")
        if plan.cancelled_at is not None:
            raise _plan_problem("该考试计划已取消，不能报考或删除报考")
        if not window_open(plan.registration_opens_at, plan.registration_closes_at, at):
            raise _plan_problem(
                "不在该考试计划的报考时间内，不能报考或删除报考（报考时间："
                f"{format_china(plan.registration_opens_at)} 至 "
                f"{format_china(plan.registration_closes_at)}）"
            )
        return plan

    def _check_subjects(self, plan: ExamPlan, lines: list[EntryLine], problems: _Problems) -> None:
        offered = {str(s["code"]): str(s["name"]) for s in plan.subjects}
        choices = "、".join(f"{code} {name}" for code, name in offered.items())
        for line in lines:
            if line.subject_code and line.subject_code not in offered:
                problems.add(
                    line.line,
                    SUBJECT_CODE,
                    f"不是该考试计划的科目（可选：{choices}）",
                    "unknown_subject",
                )

    def _check_audiences(
        self, plan: ExamPlan, lines: list[EntryLine], problems: _Problems
    ) -> dict[int, str]:
        """The 参考对象 of each good line whose subjects name groups (rules: one group of each
        such subject); lines for subjects of all candidates (所有考生) have none."""
        all_codes = {str(s["code"]) for s in plan.subjects}
        found: dict[int, str] = {}
        for line in lines:
            if problems.bad(line.line):
                continue
            codes = {line.subject_code} if line.subject_code else all_codes
            choices = audience_choices(plan.subjects, codes)
            if choices is None:
                continue
            if not choices:
                message = "该考试计划各科目没有共同的参考对象，请按科目报考"
                problems.add(line.line, AUDIENCE, message, "no_common_audience")
            elif not line.audience:
                message = f"该科目须填写参考对象（可选：{'、'.join(choices)}）"
                problems.add(line.line, AUDIENCE, message, "missing")
            elif line.audience not in choices:
                message = f"不是该科目的参考对象（可选：{'、'.join(choices)}）"
                problems.add(line.line, AUDIENCE, message, "unknown_audience")
            else:
                found[line.line] = line.audience
        return found

    async def _quota(self, institution_id: str, plan: ExamPlan, year: int) -> Quota:
        quota = await self.quotas.locked(institution_id, plan.occupation_code, year)
        if quota is None:
            raise _plan_problem(
                f"本院校没有{plan.occupation_name}证书{year}年度的指标，不能报考"
                "（指标由省级教育行政部门审批）"
            )
        return quota

    async def _used(self, institution_id: str, certificate_code: str, year: int) -> int:
        used = await self.quotas.used(institution_id, year, [certificate_code])
        return used.get(certificate_code, 0)

    # -- 报考 --------------------------------------------------------------------------------

    async def register(
        self, principal: Principal, plan_id: UUID, mode: EntryMode, data: bytes, at: datetime
    ) -> EntryImportOut:
        """Register the file's students for the plan: by certificate every subject of it, by
        subject the subject of each line. New students use the quota's places; a student
        already registered may be given further subjects by subject."""
        institution_id = entering_institution(principal)
        plan = await self._plan_in_window(plan_id, at)
        problems = _Problems()
        lines = parse_lines(data, mode, problems)
        self._check_subjects(plan, lines, problems)
        audiences = self._check_audiences(plan, lines, problems)
        year = quota_year(at)
        quota = await self._quota(institution_id, plan, year)
        ids = {line.id_number for line in lines if line.id_number}
        students = await self.repo.roster_students(institution_id, ids)
        entries = await self.repo.of_plan(plan.plan_id, ids)
        all_subjects = {str(s["code"]) for s in plan.subjects}
        wanted: dict[str, set[str]] = defaultdict(set)
        # the 参考对象 each student sits the plan as: one, whichever line or entry named it
        sits_as: dict[str, str] = {}
        new_lines: dict[str, list[int]] = {}
        for line in lines:
            if problems.bad(line.line):
                continue
            student = students.get(line.id_number)
            entry = entries.get(line.id_number)
            if student is None:
                problems.add(
                    line.line,
                    ID_NUMBER,
                    "本院校考生名单中没有该证件号码的考生，请先在考生管理中导入",
                    "not_in_roster",
                )
            elif student.name != line.name:
                problems.add(line.line, NAME, "与考生名单中该证件号码的姓名不一致", "name")
            elif (blocker := exam_blocker(student.photo_status)) is not None:
                problems.add(line.line, ID_NUMBER, blocker, "photo")
            elif entry is not None and entry.institution_id != institution_id:
                message = "该考生已由其他院校报考此考试计划"
                problems.add(line.line, ID_NUMBER, message, "registered")
            elif entry is not None and mode is EntryMode.CERTIFICATE:
                message = "该考生已报考此考试计划（增加科目请按科目报考）"
                problems.add(line.line, ID_NUMBER, message, "registered")
            elif entry is not None and line.subject_code in entry.subject_codes:
                problems.add(line.line, SUBJECT_CODE, "该考生已报考此科目", "registered")
            elif (
                (audience := audiences.get(line.line)) is not None
                and (held := sits_as.get(line.id_number) or (entry.audience if entry else None))
                and held != audience
            ):
                message = f"与该考生已填写的参考对象“{held}”不一致"
                problems.add(line.line, AUDIENCE, message, "audience_conflict")
            else:
                if audience is not None:
                    sits_as[line.id_number] = audience
                codes = {line.subject_code} if line.subject_code else all_subjects
                wanted[line.id_number] |= codes
                if entry is None:
                    new_lines.setdefault(line.id_number, []).append(line.line)
        used = await self._used(institution_id, quota.certificate_code, year)
        left = remaining(quota.approved_headcount, used)
        if len(new_lines) > left:
            message = quota_exceeded(quota.certificate_name, year, left, len(new_lines))
            for numbers in list(new_lines.values())[left:]:
                for number in numbers:
                    problems.add(number, ID_NUMBER, message, "quota_exceeded")
        problems.raise_if_any("未报考任何考生")
        subjects_added = 0
        created: list[tuple[ExamEntry, RosterStudent]] = []
        for id_number, codes in wanted.items():
            entry = entries.get(id_number)
            if entry is None:
                student = students[id_number]
                entry = ExamEntry(
                    institution_id=institution_id,
                    plan_id=plan.plan_id,
                    certificate_code=plan.occupation_code,
                    year=year,
                    student_id=student.id,
                    name=student.name,
                    id_number=student.id_number,
                    subject_codes=_in_plan_order(plan, codes),
                    audience=sits_as.get(id_number),
                    entered_by=principal.account_id,
                    entered_at=at,
                    updated_at=at,
                )
                created.append((entry, student))
            else:
                subjects_added += len(codes)
                entry.subject_codes = _in_plan_order(plan, {*entry.subject_codes, *codes})
                entry.audience = entry.audience or sits_as.get(id_number)
                entry.updated_at = at
        self.repo.add_all([entry for entry, _ in created])
        await self.session.flush()
        for entry, student in created:
            # Registration's own contract, not review's approval: no eligibility review took
            # place and the student has no account to notify.
            photo = student.photo_status == PhotoStatus.CHECKED and student.photo_key is not None
            await outbox.record(
                self.session,
                EntryRegistered(
                    entry_id=entry.id,
                    plan_id=plan.plan_id,
                    institution_id=institution_id,
                    student_id=student.id,
                    student_name=entry.name,
                    id_number=entry.id_number,
                    subject_codes=list(entry.subject_codes),
                    registered_at=at,
                    audience=entry.audience,
                    photo_key=student.photo_key if photo else None,
                    photo_content_type=student.photo_content_type if photo else None,
                ),
            )
        return EntryImportOut(
            registered=len(created),
            subjects_added=subjects_added,
            quota=quota_out(quota, used + len(created)),
        )

    # -- 批量删除报考数据 ----------------------------------------------------------------------

    async def delete(
        self, principal: Principal, plan_id: UUID, mode: EntryMode, data: bytes, at: datetime
    ) -> EntryDeletionOut:
        """Delete the file's registrations: by certificate the student's whole registration,
        by subject the line's subject (the registration goes when none is left). A deleted
        registration gives its place back and is deleted for payment and scheduling."""
        institution_id = entering_institution(principal)
        plan = await self._plan_in_window(plan_id, at)
        problems = _Problems()
        lines = parse_lines(data, mode, problems)
        self._check_subjects(plan, lines, problems)
        year = quota_year(at)
        quota = await self.quotas.locked(institution_id, plan.occupation_code, year)
        entries = await self.repo.of_plan(plan.plan_id, {line.id_number for line in lines})
        dropped: dict[str, set[str]] = defaultdict(set)
        for line in lines:
            if problems.bad(line.line):
                continue
            entry = entries.get(line.id_number)
            if entry is None or entry.institution_id != institution_id:
                message = "该考生未由本院校报考此考试计划"
                problems.add(line.line, ID_NUMBER, message, "not_registered")
            elif entry.name != line.name:
                problems.add(line.line, NAME, "与报考记录中该证件号码的姓名不一致", "name")
            elif line.subject_code is not None and line.subject_code not in entry.subject_codes:
                problems.add(line.line, SUBJECT_CODE, "该考生未报考此科目", "not_registered")
            else:
                codes = {line.subject_code} if line.subject_code else set(entry.subject_codes)
                dropped[line.id_number] |= codes
        problems.raise_if_any("未删除任何报考")
        deleted = subjects_removed = 0
        for id_number, codes in dropped.items():
            entry = entries[id_number]
            left_codes = [c for c in entry.subject_codes if c not in codes]
            if left_codes:
                subjects_removed += len(codes)
                entry.subject_codes, entry.updated_at = left_codes, at
                continue
            deleted += 1
            await self.repo.delete(entry)
            await outbox.record(
                self.session,
                EntryDeleted(
                    entry_id=entry.id,
                    plan_id=plan.plan_id,
                    institution_id=institution_id,
                    student_id=entry.student_id,
                    reason=DELETION_REASON,
                ),
            )
        await self.session.flush()
        after: QuotaOut | None = None
        if quota is not None:
            after = quota_out(quota, await self._used(institution_id, quota.certificate_code, year))
        return EntryDeletionOut(deleted=deleted, subjects_removed=subjects_removed, quota=after)

    # -- reading ---------------------------------------------------------------------------

    async def page(
        self, principal: Principal, plan_id: UUID, cursor: str | None, limit: int
    ) -> tuple[Slice[ExamEntry], ExamPlan | None]:
        institution_id = entering_institution(principal)
        plan = await self.plan_repo.get(plan_id)
        return await self.repo.page(institution_id, plan_id, cursor, limit), plan

    async def plans_for_entry(self, principal: Principal, at: datetime) -> list[EntryPlanOut]:
        """Plans of the certificates the institution has a quota for this year, whose
        registration has not closed before the year began."""
        institution_id = entering_institution(principal)
        year = quota_year(at)
        quotas = {
            q.certificate_code: q for q in await self.quotas.of_institution(institution_id, year)
        }
        used = await self.quotas.used(institution_id, year, list(quotas))
        year_start = datetime(year, 1, 1, tzinfo=CHINA)
        plans = await self.repo.plans_of_certificates(list(quotas), year_start)
        return [
            entry_plan_out(
                plan,
                window_open(plan.registration_opens_at, plan.registration_closes_at, at),
                quota_out(quotas[plan.occupation_code], used.get(plan.occupation_code, 0)),
            )
            for plan in plans
        ]
