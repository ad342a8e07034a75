from __future__ import annotations

from enum import StrEnum
from typing import Annotated
from urllib.parse import quote
from uuid import UUID

from fastapi import Depends, File, Query, Response, UploadFile

from registration.roster.rules import (
    CHOICES,
    HEADERS,
    MAX_FILE_BYTES,
    TEXT_COLUMNS,
    StudentType,
)
from registration.roster.schemas import (
    RosterImportOut,
    RosterStudentIn,
    RosterStudentOut,
    student_out,
)
from registration.roster.service import RosterService
from skillcert.auth import Principal, Role, require_roles
from skillcert.clock import utcnow
from skillcert.errors import problem_responses
from skillcert.http import DbSession, service_router
from skillcert.paging import Page
from skillcert.spreadsheets import XLSX_MEDIA_TYPE, csv_template, xlsx_template

router = service_router("/api/v1/registration", tags=["registration: student roster"])

InstitutionAdmin = Annotated[Principal, Depends(require_roles(Role.INSTITUTION_ADMIN))]

_TEMPLATE_NAME = "考生信息导入模板"


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
)
async def download_roster_template(
    _: InstitutionAdmin,
    file_format: Annotated[TemplateFormat, Query(alias="format")] = TemplateFormat.CSV,
) -> Response:
    """The import template (导入模板) with the Chinese header row: CSV (UTF-8) or Excel, whose
    ID and phone columns are text and whose option columns offer dropdowns."""
    if file_format is TemplateFormat.XLSX:
        content = xlsx_template("考生信息", HEADERS, TEXT_COLUMNS, CHOICES)
        media_type = XLSX_MEDIA_TYPE
    else:
        content = csv_template(HEADERS)
        media_type = "text/csv; charset=utf-8"
    filename = f"{_TEMPLATE_NAME}.{file_format.value}"
    return Response(
        content,
        media_type=media_type,
        headers={
            "Content-Disposition": f'attachment; filename="roster-template.{file_format.value}"; '
            f"filename*=UTF-8''{quote(filename)}"
        },
    )


@router.post(
    "/roster/students/import",
    response_model=RosterImportOut,
    responses=problem_responses(401, 403, 422),
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
)
async def delete_roster_student(
    student_id: UUID, principal: InstitutionAdmin, session: DbSession
) -> Response:
    """Take a student off the caller's roster."""
    await RosterService(session).delete(principal, student_id)
    return Response(status_code=204)
