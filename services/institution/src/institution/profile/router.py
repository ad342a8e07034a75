from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from institution.profile.schemas import BaseInfoIn, BaseInfoOut
from institution.profile.service import ProfileService
from skillcert.access import Owner, access
from skillcert.auth import Principal, Role, require_roles
from skillcert.clock import utcnow
from skillcert.errors import problem_responses
from skillcert.http import DbSession, service_router

router = service_router("/api/v1/institution", tags=["institution"])

InstitutionStaff = Annotated[
    Principal, Depends(require_roles(Role.INSTITUTION_HEAD, Role.INSTITUTION_ADMIN))
]


@router.get(
    "/base-info",
    response_model=BaseInfoOut,
    responses=problem_responses(401, 403, 404),
    **access(institution_admin=Owner.INSTITUTION, institution_head=Owner.INSTITUTION),
)
async def get_base_info(principal: InstitutionStaff, session: DbSession) -> BaseInfoOut:
    """The caller's institution's base info; `complete` is false until it was saved."""
    return await ProfileService(session).base_info(principal)


@router.put(
    "/base-info",
    response_model=BaseInfoOut,
    responses=problem_responses(401, 403, 404, 422),
    **access(institution_admin=Owner.INSTITUTION, institution_head=Owner.INSTITUTION),
)
async def save_base_info(
    body: BaseInfoIn, principal: InstitutionStaff, session: DbSession
) -> BaseInfoOut:
    """完善院校基础信息 (seed 003 §1.1.3 第一步) for the caller's own institution."""
    return await ProfileService(session).save(principal, body, utcnow())
