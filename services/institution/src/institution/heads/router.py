from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from institution.heads.schemas import HeadReplacementIn, HeadReplacementOut
from institution.heads.service import HeadService
from skillcert.access import Owner, access
from skillcert.auth import Principal, Role, require_roles
from skillcert.clock import utcnow
from skillcert.errors import problem_responses
from skillcert.http import DbSession, service_router

router = service_router("/api/v1/institution", tags=["institution"])

ProvinceAdmin = Annotated[Principal, Depends(require_roles(Role.PROVINCE_ADMIN))]
PATH = "/institutions/{code}/head-replacements"


@router.post(
    PATH,
    status_code=201,
    response_model=HeadReplacementOut,
    responses=problem_responses(401, 403, 404, 409, 422),
    **access(province_admin=Owner.PROVINCE),
)
async def replace_head(
    code: str, body: HeadReplacementIn, admin: ProvinceAdmin, session: DbSession
) -> HeadReplacementOut:
    """更换负责人 (issue 11): the institution's own province moves its one head slot to a new
    head. The new head's login name stays `i<学校标识码>`; the password reaches the new phone by
    SMS; the old head can no longer sign in. Recorded with the reason."""
    return await HeadService(session).replace(admin, code, body, utcnow())


@router.get(
    PATH,
    response_model=list[HeadReplacementOut],
    responses=problem_responses(401, 403, 404),
    **access(province_admin=Owner.PROVINCE),
)
async def list_head_replacements(
    code: str, admin: ProvinceAdmin, session: DbSession
) -> list[HeadReplacementOut]:
    """The institution's head replacements, newest first (its own province's admin)."""
    return await HeadService(session).history(admin, code)
