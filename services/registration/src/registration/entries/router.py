from __future__ import annotations

from enum import StrEnum
from typing import Annotated
from urllib.parse import quote
from uuid import UUID

from fastapi import Depends, File, Form, Query, Response, UploadFile

from registration.entries.rules import (
    ENTERING_ROLES,
    MAX_FILE_BYTES,
    TEMPLATE_TITLES,
    TEXT_COLUMNS,
    EntryMode,
    headers,
)
from registration.entries.schemas import (
    EntryDeletionOut,
    EntryImportOut,
    EntryPlanOut,
    ExamEntryOut,
    entry_out,
    subject_names,
)
from registration.entries.service import EntryService
from skillcert.access import Owner, access
from skillcert.auth import Principal, require_roles
from skillcert.clock import utcnow
from skillcert.errors import problem_responses
from skillcert.http import DbSession, service_router
from skillcert.paging import Page
from skillcert.spreadsheets import XLSX_MEDIA_TYPE, csv_template, xlsx_template

router = service_router("/api/v1/registration", tags=["registration: exam entries"])

InstitutionStaff = Annotated[Principal, Depends(require_roles(*ENTERING_ROLES))]

_TEMPLATE_NAMES = {EntryMode.CERTIFICATE: "按证书报考模板", EntryMode.SUBJECT: "按科目报考模板"}


class TemplateFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


@router.get(
    "/exam-entries/template",
    response_class=Response,
    responses={
        200: {"content": {"text/csv": {}, XLSX_MEDIA_TYPE: {}}},
        **problem_responses(401, 403, 422),
    },
    **access(institution_admin=Owner.INSTITUTION, institution_head=Owner.INSTITUTION),
)
async def download_entry_template(
    _: InstitutionStaff,
    mode: EntryMode = EntryMode.CERTIFICATE,
    file_format: Annotated[TemplateFormat, Query(alias="format")] = TemplateFormat.CSV,
) -> Response:
    """The template of 报考 and of its deletion (批量删除报考数据): 姓名, 证件号码, by subject
    科目代码, then 参考对象 (filled in only for subjects that name groups); CSV (UTF-8) or
    Excel with the ID and subject columns as text."""
    if file_format is TemplateFormat.XLSX:
        content = xlsx_template(TEMPLATE_TITLES[mode], headers(mode), TEXT_COLUMNS)
        media_type = XLSX_MEDIA_TYPE
    else:
        content = csv_template(headers(mode))
        media_type = "text/csv; charset=utf-8"
    filename = f"{_TEMPLATE_NAMES[mode]}.{file_format.value}"
    return Response(
        content,
        media_type=media_type,
        headers={
            "Content-Disposition": f'attachment; filename="entry-template-{mode.value}.'
            f"{file_format.value}\"; filename*=UTF-8''{quote(filename)}"
        },
    )


@router.get(
    "/exam-entries/plans",
    response_model=list[EntryPlanOut],
    responses=problem_responses(401, 403),
    **access(institution_admin=Owner.INSTITUTION, institution_head=Owner.INSTITUTION),
)
async def list_entry_plans(principal: InstitutionStaff, session: DbSession) -> list[EntryPlanOut]:
    """Exam plans the caller's institution may register students for this year: plans of the
    certificates it has a quota for, with the window, subjects and the quota used and left."""
    return await EntryService(session).plans_for_entry(principal, utcnow())


@router.post(
    "/exam-entries/import",
    response_model=EntryImportOut,
    responses=problem_responses(401, 403, 422),
    **access(institution_admin=Owner.INSTITUTION, institution_head=Owner.INSTITUTION),
)
async def import_exam_entries(
    principal: InstitutionStaff,
    session: DbSession,
    plan_id: Annotated[UUID, Form()],
    mode: Annotated[EntryMode, Form()],
    file: Annotated[UploadFile, File(description="the filled-in template, CSV or .xlsx")],
) -> EntryImportOut:
    """批量导入报考: register the file's roster students for the plan, by certificate (every
    subject) or by subject, within the registration window and the quota. Every bad line is
    reported at once (errors[].field = rows[<line>].<field>, or plan_id) and then nothing is
    written."""
    data = await file.read(MAX_FILE_BYTES + 1)
    return await EntryService(session).register(principal, plan_id, mode, data, utcnow())


@router.post(
    "/exam-entries/deletions",
    response_model=EntryDeletionOut,
    responses=problem_responses(401, 403, 422),
    **access(institution_admin=Owner.INSTITUTION, institution_head=Owner.INSTITUTION),
)
async def delete_exam_entries(
    principal: InstitutionStaff,
    session: DbSession,
    plan_id: Annotated[UUID, Form()],
    mode: Annotated[EntryMode, Form()],
    file: Annotated[UploadFile, File(description="the filled-in template, CSV or .xlsx")],
) -> EntryDeletionOut:
    """批量删除报考数据: delete the file's registrations (by certificate) or subjects (by
    subject) within the registration window; places go back to the quota. All or nothing."""
    data = await file.read(MAX_FILE_BYTES + 1)
    return await EntryService(session).delete(principal, plan_id, mode, data, utcnow())


@router.get(
    "/exam-entries",
    response_model=Page[ExamEntryOut],
    responses=problem_responses(401, 403, 422),
    **access(institution_admin=Owner.INSTITUTION, institution_head=Owner.INSTITUTION),
)
async def list_exam_entries(
    principal: InstitutionStaff,
    session: DbSession,
    plan_id: UUID,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> Page[ExamEntryOut]:
    """The caller's institution's registrations (报考记录) for the plan, newest first; ID
    numbers masked."""
    entries, plan = await EntryService(session).page(principal, plan_id, cursor, limit)
    names = subject_names(plan) if plan is not None else {}
    return entries.page(lambda entry: entry_out(entry, names))
