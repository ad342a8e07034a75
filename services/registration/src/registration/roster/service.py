"""The student roster (考生管理): import, add, list, delete. Flushes only."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from registration.roster.models import RosterStudent
from registration.roster.repository import RosterRepository
from registration.roster.rules import (
    COLUMNS,
    FIELD_OF,
    HEADERS,
    MAX_FILE_BYTES,
    MAX_ROWS,
    duplicate_key,
    row_field,
    row_message,
)
from registration.roster.schemas import RosterImportOut, RosterStudentIn
from skillcert.auth import Principal, Role
from skillcert.errors import (
    Conflict,
    FieldError,
    Forbidden,
    InvalidInput,
    NotFound,
    validation_errors,
)
from skillcert.paging import Slice
from skillcert.spreadsheets import file_error, read_sheet

_COLUMN_ORDER = {field: position for position, (_, field) in enumerate(COLUMNS)}
_DETAILS = (
    "student_type",
    "name",
    "name_pinyin",
    "id_type",
    "phone",
    "major",
    "major_level",
    "enrolment_year",
)


def institution_of(principal: Principal) -> str:
    """The institution an institution admin acts for; nobody else manages a roster."""
    if principal.role is not Role.INSTITUTION_ADMIN:
        raise Forbidden("只有试点院校可以管理考生信息")
    if principal.org_id is None:
        raise Forbidden("账号未关联院校")
    return principal.org_id


def _row_error(line: int, field: str, message: str, code: str) -> FieldError:
    return FieldError(
        field=row_field(line, field), message=row_message(line, field, message), code=code
    )


def parse_import(data: bytes) -> list[RosterStudentIn]:
    """The students of a filled-in template (CSV or Excel). Every bad cell and every ID
    number given twice is reported at once; any problem means no student at all."""
    lines = read_sheet(
        data,
        HEADERS,
        locate=lambda line, header: row_field(line, FIELD_OF[header]),
        max_bytes=MAX_FILE_BYTES,
        max_rows=MAX_ROWS,
    )
    students: list[RosterStudentIn] = []
    problems: list[tuple[int, int, FieldError]] = []
    first_line: dict[str, int] = {}
    for sheet_line in lines:
        line = sheet_line.number
        raw = {field: sheet_line.cells[header] for header, field in COLUMNS}
        found: dict[str, FieldError] = {}
        student: RosterStudentIn | None = None
        try:
            student = RosterStudentIn.model_validate(raw)
        except ValidationError as exc:
            for error in validation_errors([dict(e) for e in exc.errors()]):
                field = error.field if error.field in _COLUMN_ORDER else "row"
                found.setdefault(field, _row_error(line, field, error.message, error.code))
        key = duplicate_key(raw["id_number"])
        if key and "id_number" not in found:
            if key in first_line:
                message = f"与第{first_line[key]}行的证件号码重复"
                found["id_number"] = _row_error(line, "id_number", message, "duplicate")
            else:
                first_line[key] = line
        if found:
            problems += [(line, _COLUMN_ORDER.get(f, -1), e) for f, e in found.items()]
        elif student is not None:
            students.append(student)
    if problems:
        errors = [error for _, _, error in sorted(problems, key=lambda p: (p[0], p[1]))]
        raise InvalidInput(f"文件中有 {len(errors)} 处错误，未导入任何考生", errors=errors)
    if not students:
        raise file_error("文件中没有考生数据")
    return students


def _new_student(institution_id: str, data: RosterStudentIn, at: datetime) -> RosterStudent:
    return RosterStudent(
        institution_id=institution_id,
        id_number=data.id_number,
        **{name: getattr(data, name) for name in _DETAILS},
        imported_at=at,
        updated_at=at,
    )


def _apply(student: RosterStudent, data: RosterStudentIn, at: datetime) -> bool:
    """Bring the student's details to `data`; whether anything changed."""
    changed = False
    for name in _DETAILS:
        value = getattr(data, name)
        if getattr(student, name) != value:
            setattr(student, name, value)
            changed = True
    if changed:
        student.updated_at = at
    return changed


class RosterService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repo = RosterRepository(session)

    async def import_file(self, principal: Principal, data: bytes, at: datetime) -> RosterImportOut:
        """Add the file's students to the roster and update those already on it (批量修改 is a
        re-import); all or nothing."""
        institution_id = institution_of(principal)
        students = parse_import(data)
        await self.repo.lock_institution(institution_id)
        existing = await self.repo.by_id_numbers(institution_id, [s.id_number for s in students])
        created: list[RosterStudent] = []
        updated = unchanged = 0
        for data_row in students:
            current = existing.get(data_row.id_number)
            if current is None:
                created.append(_new_student(institution_id, data_row, at))
            elif _apply(current, data_row, at):
                updated += 1
            else:
                unchanged += 1
        self.repo.add_all(created)
        await self.session.flush()
        return RosterImportOut(created=len(created), updated=updated, unchanged=unchanged)

    async def add(self, principal: Principal, data: RosterStudentIn, at: datetime) -> RosterStudent:
        """单个新增: one student who is not on the roster yet."""
        institution_id = institution_of(principal)
        await self.repo.lock_institution(institution_id)
        if await self.repo.by_id_numbers(institution_id, [data.id_number]):
            raise Conflict("该证件号码的考生已在考生名单中，修改信息请使用批量导入")
        student = _new_student(institution_id, data, at)
        self.repo.add_all([student])
        await self.session.flush()
        return student

    async def page(
        self,
        principal: Principal,
        student_type: str | None,
        cursor: str | None,
        limit: int,
    ) -> Slice[RosterStudent]:
        return await self.repo.page(institution_of(principal), student_type, cursor, limit)

    async def delete(self, principal: Principal, student_id: UUID) -> None:
        institution_id = institution_of(principal)
        student = await self.repo.of_institution(institution_id, student_id, lock=True)
        if student is None:
            raise NotFound("考生不存在")
        await self.repo.delete(student)
        await self.session.flush()
