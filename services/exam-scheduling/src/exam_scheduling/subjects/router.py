from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import Depends, Query, Request

from exam_scheduling.context import context
from exam_scheduling.fields import Code, Text100
from exam_scheduling.subjects.schemas import (
    CatalogueSubjectIn,
    CatalogueSubjectOut,
    SubjectCatalogueOut,
    SubjectMethodName,
)
from exam_scheduling.subjects.service import SubjectService
from skillcert.access import Owner, access
from skillcert.auth import Principal, Role, require_roles
from skillcert.errors import problem_responses
from skillcert.http import DbSession, service_router

router = service_router("/api/v1/exam-scheduling", tags=["exam-scheduling: subjects"])

OrgAdmin = Annotated[Principal, Depends(require_roles(Role.ORG_ADMIN))]
Readers = Annotated[
    Principal,
    Depends(require_roles(Role.ORG_ADMIN, Role.INSTITUTION_ADMIN, Role.INSTITUTION_HEAD)),
]


@router.get(
    "/subjects",
    response_model=SubjectCatalogueOut,
    responses=problem_responses(401, 403, 422),
    **access(
        org_admin=Owner.ORG,
        institution_admin=Owner.ANY,
        institution_head=Owner.ANY,
        note="院校看全部启用的科目",
    ),
)
async def list_subjects(
    principal: Readers,
    session: DbSession,
    occupation_code: Code | None = None,
    level: Annotated[int | None, Query(ge=1, le=5)] = None,
    method: SubjectMethodName | None = None,
    number: Annotated[str | None, Query(max_length=10, pattern=r"^\d+$")] = None,
    name: Text100 | None = None,
    enabled: bool | None = None,
) -> SubjectCatalogueOut:
    """考试科目: the organisation's own catalogue; for institutions every enabled subject."""
    return await SubjectService(session).catalogue(
        principal,
        occupation_code=occupation_code,
        level=level,
        method=method,
        number=number,
        name=name,
        enabled=enabled,
    )


@router.post(
    "/subjects",
    status_code=201,
    response_model=CatalogueSubjectOut,
    responses=problem_responses(401, 403, 409, 422),
    **access(org_admin=Owner.ORG),
)
async def create_subject(
    data: CatalogueSubjectIn, principal: OrgAdmin, session: DbSession, request: Request
) -> CatalogueSubjectOut:
    """Add a subject to the caller's catalogue; it gets its number (科目编号)."""
    org_id = principal.org_id or ""
    org_name = context(request).settings.org_names.get(org_id, org_id)
    return await SubjectService(session).create(principal, data, org_name)


@router.put(
    "/subjects/{subject_id}",
    response_model=CatalogueSubjectOut,
    responses=problem_responses(401, 403, 404, 409, 422),
    **access(org_admin=Owner.ORG),
)
async def update_subject(
    subject_id: UUID, data: CatalogueSubjectIn, principal: OrgAdmin, session: DbSession
) -> CatalogueSubjectOut:
    return await SubjectService(session).update(principal, subject_id, data)


@router.post(
    "/subjects/{subject_id}/enable",
    response_model=CatalogueSubjectOut,
    responses=problem_responses(401, 403, 404),
    **access(org_admin=Owner.ORG),
)
async def enable_subject(
    subject_id: UUID, principal: OrgAdmin, session: DbSession
) -> CatalogueSubjectOut:
    """启用."""
    return await SubjectService(session).set_enabled(principal, subject_id, True)


@router.post(
    "/subjects/{subject_id}/disable",
    response_model=CatalogueSubjectOut,
    responses=problem_responses(401, 403, 404),
    **access(org_admin=Owner.ORG),
)
async def disable_subject(
    subject_id: UUID, principal: OrgAdmin, session: DbSession
) -> CatalogueSubjectOut:
    """停用: the subject stays, but is no longer offered."""
    return await SubjectService(session).set_enabled(principal, subject_id, False)
