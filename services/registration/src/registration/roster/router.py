from __future__ import annotations

from datetime import timedelta
from enum import StrEnum
from typing import Annotated
from urllib.parse import quote
from uuid import UUID

from fastapi import Depends, File, Query, Request, Response, UploadFile

from registration.context import context
from registration.roster.rules import (
    CHOICES,
    HEADERS,
    MAX_FILE_BYTES,
    TEXT_COLUMNS,
    ZIP_MAX_BYTES,
    StudentType,
)
from registration.roster.schemas import (
    IdentityConfirmationIn,
    PhotoImportOut,
    PhotoUrlOut,
    RosterAuditRecordOut,
    RosterImportOut,
    RosterStudentIn,
    RosterStudentOut,
    audit_out,
    student_out,
)
from registration.roster.service import RosterService, export_rows
from skillcert.access import Owner, access
from skillcert.auth import Principal, Role, require_roles
from skillcert.clock import utcnow
from skillcert.errors import problem_responses
from skillcert.http import DbSession, service_router
from skillcert.paging import Page
from skillcert.spreadsheets import XLSX_MEDIA_TYPE, csv_template, xlsx_template

router = service_router("/api/v1/registration", tags=["registration: student roster"])

InstitutionAdmin = Annotated[Principal, Depends(require_roles(Role.INSTITUTION_ADMIN))]

_TEMPLATE_NAME = "考生信息导入模板"
_EXPORT_NAME = "考生信息"
#: How long a photo link handed to the roster page works.
PHOTO_URL_EXPIRES = timedelta(minutes=5)


class TemplateFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


@router.get(
    "/roster/students/template",
    response_class=Response,
    responses={
        200: {"content": {"text/csv": {}, XLSX_MEDIA_TYPE: {}}},
        **problem_responses(401, 403, 422),
    },
    **access(institution_admin=Owner.INSTITUTION),
)
async def download_roster_template(
    _: InstitutionAdmin,
    file_format: Annotated[TemplateFormat, Query(alias="format")] = TemplateFormat.CSV,
) -> Response:
    """The import template (导入模板) with the Chinese header row: CSV (UTF-8) or Excel, whose
    ID and phone columns are text and whose option columns offer dropdowns."""
    content = _sheet(file_format, [])
    return _attachment(content, file_format, "roster-template", _TEMPLATE_NAME)


def _sheet(file_format: TemplateFormat, rows: list[list[str]]) -> bytes:
    if file_format is TemplateFormat.XLSX:
        return xlsx_template("考生信息", HEADERS, TEXT_COLUMNS, CHOICES, rows)
    return csv_template(HEADERS, rows)


def _attachment(
    content: bytes, file_format: TemplateFormat, ascii_name: str, name: str
) -> Response:
    media_type = (
        XLSX_MEDIA_TYPE if file_format is TemplateFormat.XLSX else "text/csv; charset=utf-8"
    )
    filename = f"{name}.{file_format.value}"
    return Response(
        content,
        media_type=media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{ascii_name}.{file_format.value}"; '
            f"filename*=UTF-8''{quote(filename)}",
            # full ID numbers and phones: no proxy or browser cache keeps a copy
            "Cache-Control": "no-store",
        },
    )


@router.get(
    "/roster/students/export",
    response_class=Response,
    responses={
        200: {"content": {"text/csv": {}, XLSX_MEDIA_TYPE: {}}},
        **problem_responses(401, 403, 422),
    },
    **access(institution_admin=Owner.INSTITUTION),
)
async def export_roster_students(
    principal: InstitutionAdmin,
    session: DbSession,
    file_format: Annotated[TemplateFormat, Query(alias="format")] = TemplateFormat.XLSX,
    student_type: StudentType | None = None,
) -> Response:
    """批量导出考生信息 for 批量修改: the caller's roster in the import template, to correct and
    import back. Unlike every list, it carries full ID numbers and phones — the ID number is
    the key the re-import matches on — so only the institution's own admins get it, and each
    export is recorded (操作记录: who, when, how many)."""
    students = await RosterService(session).export(principal, student_type, utcnow())
    content = _sheet(file_format, export_rows(students))
    return _attachment(content, file_format, "roster-students", _EXPORT_NAME)


@router.post(
    "/roster/students/import",
    response_model=RosterImportOut,
    responses=problem_responses(401, 403, 422),
    **access(institution_admin=Owner.INSTITUTION),
)
async def import_roster_students(
    principal: InstitutionAdmin,
    session: DbSession,
    file: Annotated[UploadFile, File(description="the filled-in template, CSV or .xlsx")],
) -> RosterImportOut:
    """批量导入 / 批量修改: add the file's students to the caller's roster; students already on
    it (same ID number) are updated. Every bad cell is reported at once (errors[].field =
    rows[<line>].<field>) and then nothing is written."""
    data = await file.read(MAX_FILE_BYTES + 1)
    return await RosterService(session).import_file(principal, data, utcnow())


@router.post(
    "/roster/students",
    status_code=201,
    response_model=RosterStudentOut,
    responses=problem_responses(401, 403, 409, 422),
    **access(institution_admin=Owner.INSTITUTION),
)
async def add_roster_student(
    body: RosterStudentIn, principal: InstitutionAdmin, session: DbSession
) -> RosterStudentOut:
    """单个新增: put one student on the caller's roster."""
    return student_out(await RosterService(session).add(principal, body, utcnow()))


@router.get(
    "/roster/students",
    response_model=Page[RosterStudentOut],
    responses=problem_responses(401, 403, 422),
    **access(institution_admin=Owner.INSTITUTION),
)
async def list_roster_students(
    principal: InstitutionAdmin,
    session: DbSession,
    student_type: StudentType | None = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> Page[RosterStudentOut]:
    """The caller's roster, latest added first, by student type if given (院校考生/社会考生);
    ID numbers and phones masked."""
    students = await RosterService(session).page(principal, student_type, cursor, limit)
    return students.page(student_out)


@router.delete(
    "/roster/students/{student_id}",
    status_code=204,
    responses=problem_responses(401, 403, 404, 422),
    **access(institution_admin=Owner.INSTITUTION),
)
async def delete_roster_student(
    student_id: UUID, principal: InstitutionAdmin, session: DbSession, request: Request
) -> Response:
    """Take a student off the caller's roster; their photo is deleted with them."""
    await RosterService(session).delete(principal, student_id, context(request).storage)
    return Response(status_code=204)


@router.post(
    "/roster/students/photos",
    response_model=PhotoImportOut,
    responses=problem_responses(401, 403, 422),
    **access(institution_admin=Owner.INSTITUTION),
)
async def import_roster_photos(
    principal: InstitutionAdmin,
    session: DbSession,
    request: Request,
    file: Annotated[UploadFile, File(description="a .zip of photos named 身份证号.jpg")],
) -> PhotoImportOut:
    """批量导入考生照片: a zip (at most 50 MB, 1000 files) of 小一寸 photos named 身份证号.jpg —
    JPG or PNG by content, at most 5 MB, 295×413 px, red background. Each file is matched to
    a student of the caller's roster and checked on its own; the good ones are stored (a new
    photo replaces the old) and every file is reported. A bad zip as a whole is 422 on `file`."""
    data = await file.read(ZIP_MAX_BYTES + 1)
    storage = context(request).storage
    return await RosterService(session).import_photos(principal, data, storage, utcnow())


@router.get(
    "/roster/students/{student_id}/photo",
    response_model=PhotoUrlOut,
    responses=problem_responses(401, 403, 404, 422),
    **access(institution_admin=Owner.INSTITUTION),
)
async def roster_student_photo(
    student_id: UUID, principal: InstitutionAdmin, session: DbSession, request: Request
) -> PhotoUrlOut:
    """A short-lived link (presigned GET) to the student's checked photo."""
    storage = context(request).storage
    url = await RosterService(session).photo_url(principal, student_id, storage, PHOTO_URL_EXPIRES)
    return PhotoUrlOut(url=url, expires_in_s=int(PHOTO_URL_EXPIRES.total_seconds()))


@router.post(
    "/roster/students/{student_id}/identity-confirmation",
    response_model=RosterStudentOut,
    responses=problem_responses(401, 403, 404, 409, 422),
    **access(institution_admin=Owner.INSTITUTION),
)
async def confirm_roster_student_identity(
    student_id: UUID, body: IdentityConfirmationIn, principal: InstitutionAdmin, session: DbSession
) -> RosterStudentOut:
    """人工确认: the institution checked by hand the student whose identity check failed (or
    was not made) and vouches for them, giving its reason; recorded with who and when."""
    student = await RosterService(session).confirm_identity(
        principal, student_id, body.reason, utcnow()
    )
    return student_out(student)


@router.get(
    "/roster/audit-records",
    response_model=Page[RosterAuditRecordOut],
    responses=problem_responses(401, 403, 422),
    **access(institution_admin=Owner.INSTITUTION),
)
async def list_roster_audit_records(
    principal: InstitutionAdmin,
    session: DbSession,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> Page[RosterAuditRecordOut]:
    """操作记录 of the caller's roster, latest first: 人工确认 and exports."""
    records = await RosterService(session).audit_page(principal, cursor, limit)
    return records.page(audit_out)
