"""The student roster (考生管理): import, add, list, delete, export for 批量修改, photos,
人工确认. Flushes only."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import datetime, timedelta
from uuid import UUID

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from registration.forms.rules import ID_TYPES
from registration.roster.models import RosterAuditRecord, RosterStudent
from registration.roster.repository import RosterRepository
from registration.roster.rules import (
    COLUMNS,
    FIELD_OF,
    HEADERS,
    IDENTITY,
    MAX_FILE_BYTES,
    MAX_ROWS,
    STUDENT_TYPES,
    AuditAction,
    IdentityStatus,
    PhotoOutcome,
    PhotoStatus,
    PhotoVerdict,
    PhotoZipError,
    StudentType,
    ZipPhoto,
    duplicate_key,
    photo_verdict,
    read_photo_zip,
    row_field,
    row_message,
)
from registration.roster.schemas import (
    PhotoFileOut,
    PhotoImportOut,
    RosterImportOut,
    RosterStudentIn,
    photo_file_out,
)
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
from skillcert.storage import ObjectStore

# The fields whose change means the identity must be checked again (实名认证 compares them).
_IDENTITY_FIELDS = ("name", "id_type")

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
    changed = recheck = False
    for name in _DETAILS:
        value = getattr(data, name)
        if getattr(student, name) != value:
            setattr(student, name, value)
            changed = True
            recheck = recheck or name in _IDENTITY_FIELDS
    if changed:
        student.updated_at = at
    if recheck:
        _recheck_identity(student)
    return changed


def _recheck_identity(student: RosterStudent) -> None:
    """What the identity check judged (or the institution confirmed) no longer holds."""
    status = IDENTITY.next(IdentityStatus(student.identity_status), IdentityStatus.UNCHECKED)
    if status is not None:
        student.identity_status = status


def photo_key(student: RosterStudent) -> str:
    """One object per student: a new photo replaces the old one."""
    return f"registration/roster/{student.id}/photo"


def export_rows(students: list[RosterStudent]) -> list[list[str]]:
    """The students as lines of the import template (labels as a teacher types them), so that
    the file imports back unchanged (批量修改)."""

    def cell(student: RosterStudent, field: str) -> str:
        value = getattr(student, field)
        if field == "student_type":
            return STUDENT_TYPES[StudentType(value)]
        if field == "id_type":
            return str(ID_TYPES.get(value, value))
        return "" if value is None else str(value)

    return [[cell(s, field) for _, field in COLUMNS] for s in students]


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

    async def export(
        self, principal: Principal, student_type: str | None, at: datetime
    ) -> list[RosterStudent]:
        """批量导出 for 批量修改: the whole roster with full ID numbers and phones (the ID number
        is the key the re-import matches on). Only the institution's own staff get it, and
        the export is recorded (who, when, how many)."""
        institution_id = institution_of(principal)
        students = await self.repo.all_of(institution_id, student_type)
        self.repo.add_audit(
            RosterAuditRecord(
                institution_id=institution_id,
                action=AuditAction.EXPORTED,
                actor_account_id=principal.account_id,
                actor_name=principal.name or str(principal.account_id),
                student_count=len(students),
                at=at,
            )
        )
        await self.session.flush()
        return students

    async def import_photos(
        self, principal: Principal, data: bytes, storage: ObjectStore, at: datetime
    ) -> PhotoImportOut:
        """批量导入考生照片: match each photo of the zip to a student by the ID number its name
        gives, check it, store the good ones; report every file."""
        institution_id = institution_of(principal)
        try:
            photos = await asyncio.to_thread(read_photo_zip, data)
        except PhotoZipError as exc:
            raise file_error(str(exc)) from exc
        await self.repo.lock_institution(institution_id)
        named = [p.id_number for p in photos if p.refused is None and p.id_number]
        students = await self.repo.by_id_numbers(institution_id, named)
        times = Counter(named)
        to_judge = [
            p
            for p in photos
            if p.refused is None and p.id_number in students and times[p.id_number] == 1
        ]
        # Decoding is CPU work: off the event loop, as a whole.
        verdicts = await asyncio.to_thread(lambda: [photo_verdict(p.data or b"") for p in to_judge])
        judged: dict[int, PhotoVerdict] = {
            id(p): v for p, v in zip(to_judge, verdicts, strict=True)
        }
        files: list[PhotoFileOut] = []
        for photo in photos:
            files.append(await self._photo_outcome(photo, students, times, judged, storage, at))
        await self.session.flush()
        matched = sum(1 for f in files if f.outcome is PhotoOutcome.MATCHED)
        return PhotoImportOut(matched=matched, refused=len(files) - matched, files=files)

    async def _photo_outcome(
        self,
        photo: ZipPhoto,
        students: dict[str, RosterStudent],
        times: Counter[str],
        judged: dict[int, PhotoVerdict],
        storage: ObjectStore,
        at: datetime,
    ) -> PhotoFileOut:
        if photo.refused is not None:
            return photo_file_out(photo.name, photo.refused.outcome, photo.refused.message)
        student = students.get(photo.id_number or "")
        if student is None:
            return photo_file_out(photo.name, PhotoOutcome.NO_STUDENT, "考生名单中没有此证件号码")
        if times[photo.id_number or ""] > 1:
            message = "压缩包中有该考生的多张照片，请只保留一张"
            return photo_file_out(photo.name, PhotoOutcome.DUPLICATE, message, student)
        verdict = judged[id(photo)]
        if not verdict.ok or verdict.content_type is None:
            return photo_file_out(photo.name, verdict.outcome, verdict.message, student)
        key = photo_key(student)
        await storage.put(key, photo.data or b"", verdict.content_type)
        student.photo_status = PhotoStatus.CHECKED
        student.photo_key = key
        student.photo_content_type = verdict.content_type
        student.photo_checked_at = at
        student.updated_at = at
        _recheck_identity(student)  # a new face: what was checked was the old one
        return photo_file_out(photo.name, PhotoOutcome.MATCHED, verdict.message, student)

    async def photo_url(
        self, principal: Principal, student_id: UUID, storage: ObjectStore, expires: timedelta
    ) -> str:
        student = await self.repo.of_institution(institution_of(principal), student_id)
        if student is None:
            raise NotFound("考生不存在")
        if student.photo_status != PhotoStatus.CHECKED or student.photo_key is None:
            raise NotFound("该考生尚未导入照片")
        return await storage.presign_download(student.photo_key, expires)

    async def confirm_identity(
        self, principal: Principal, student_id: UUID, reason: str, at: datetime
    ) -> RosterStudent:
        """人工确认: the institution vouches for the student's name, ID number and photo; who,
        when and why is kept on the student and in the audit records."""
        institution_id = institution_of(principal)
        student = await self.repo.of_institution(institution_id, student_id, lock=True)
        if student is None:
            raise NotFound("考生不存在")
        student.identity_status = IDENTITY.transition(
            IdentityStatus(student.identity_status), IdentityStatus.CONFIRMED
        )
        actor = principal.name or str(principal.account_id)
        student.identity_confirmed_at = at
        student.identity_confirmed_by = actor
        student.identity_confirmation_reason = reason
        student.updated_at = at
        self.repo.add_audit(
            RosterAuditRecord(
                institution_id=institution_id,
                action=AuditAction.IDENTITY_CONFIRMED,
                student_id=student.id,
                student_name=student.name,
                actor_account_id=principal.account_id,
                actor_name=actor,
                reason=reason,
                at=at,
            )
        )
        await self.session.flush()
        return student

    async def audit_page(
        self, principal: Principal, cursor: str | None, limit: int
    ) -> Slice[RosterAuditRecord]:
        return await self.repo.audit_page(institution_of(principal), cursor, limit)

    async def delete(self, principal: Principal, student_id: UUID, storage: ObjectStore) -> None:
        """Take the student off the roster, and their photo out of storage: an ID photo is
        personal data the institution no longer has a reason to keep."""
        institution_id = institution_of(principal)
        student = await self.repo.of_institution(institution_id, student_id, lock=True)
        if student is None:
            raise NotFound("考生不存在")
        key = student.photo_key
        await self.repo.delete(student)
        await self.session.flush()
        if key is not None:
            await storage.delete(key)
