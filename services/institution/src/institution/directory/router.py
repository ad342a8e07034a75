from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query

from institution.directory.schemas import (
    DirectoryChangeOut,
    DirectoryEntryIn,
    DirectoryEntryOut,
    DirectoryEntryUpdateIn,
    ProvinceRegionsOut,
)
from institution.directory.service import DirectoryService
from skillcert.access import Owner, access, public
from skillcert.auth import Principal, Role, require_roles
from skillcert.clock import utcnow
from skillcert.errors import problem_responses
from skillcert.http import DbSession, service_router
from skillcert.paging import Page

router = service_router("/api/v1/institution", tags=["institution"])

ProvinceAdmin = Annotated[Principal, Depends(require_roles(Role.PROVINCE_ADMIN))]
Limit = Annotated[int, Query(ge=1, le=100)]


@router.get(
    "/directory",
    response_model=Page[DirectoryEntryOut],
    responses=problem_responses(422),
    **public("院校名录（公开）"),
)
async def list_directory(
    session: DbSession,
    province: Annotated[str, Query(description="GB/T 2260 province code")],
    city: Annotated[str | None, Query(description="GB/T 2260 city code")] = None,
    name: Annotated[str | None, Query(max_length=100, description="part of the name")] = None,
    cursor: str | None = None,
    limit: Limit = 50,
) -> Page[DirectoryEntryOut]:
    """The official institutions of a province (and city), by name: what sign-up offers.
    Public."""
    rows = await DirectoryService(session).listing(province, city, name, cursor, limit)
    return rows.page(DirectoryEntryOut.from_model)


@router.get(
    "/directory/regions", response_model=list[ProvinceRegionsOut], **public("院校名录（公开）")
)
async def list_directory_regions(session: DbSession) -> list[ProvinceRegionsOut]:
    """The provinces, and their cities, that have listed institutions: sign-up's first two
    choices. Public."""
    return await DirectoryService(session).regions()


@router.get(
    "/directory/{code}",
    response_model=DirectoryEntryOut,
    responses=problem_responses(404),
    **public("院校名录（公开）"),
)
async def get_directory_entry(code: str, session: DbSession) -> DirectoryEntryOut:
    """One institution of the official list. Public."""
    return DirectoryEntryOut.from_model(await DirectoryService(session).entry(code))


@router.post(
    "/directory",
    status_code=201,
    response_model=DirectoryEntryOut,
    responses=problem_responses(401, 403, 409, 422),
    **access(province_admin=Owner.PROVINCE),
)
async def add_directory_entry(
    body: DirectoryEntryIn, principal: ProvinceAdmin, session: DbSession
) -> DirectoryEntryOut:
    """Add a missing institution to the province's list (province admin; audited)."""
    entry = await DirectoryService(session).add(principal, body, utcnow())
    return DirectoryEntryOut.from_model(entry)


@router.patch(
    "/directory/{code}",
    response_model=DirectoryEntryOut,
    responses=problem_responses(401, 403, 404, 422),
    **access(province_admin=Owner.PROVINCE),
)
async def correct_directory_entry(
    code: str, body: DirectoryEntryUpdateIn, principal: ProvinceAdmin, session: DbSession
) -> DirectoryEntryOut:
    """Correct an entry of the province's list (province admin; audited)."""
    entry = await DirectoryService(session).correct(principal, code, body, utcnow())
    return DirectoryEntryOut.from_model(entry)


@router.get(
    "/directory/{code}/changes",
    response_model=Page[DirectoryChangeOut],
    responses=problem_responses(401, 403, 404, 422),
    **access(province_admin=Owner.PROVINCE),
)
async def list_directory_changes(
    code: str,
    principal: ProvinceAdmin,
    session: DbSession,
    cursor: str | None = None,
    limit: Limit = 20,
) -> Page[DirectoryChangeOut]:
    """The audit trail of an entry, newest first (the province's admin)."""
    rows = await DirectoryService(session).changes(principal, code, cursor, limit)
    return rows.page(DirectoryChangeOut.from_model)
