from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query

from registration.entries.rules import ENTERING_ROLES, entering_institution
from registration.quotas.rules import quota_year
from registration.quotas.schemas import QuotaOut
from registration.quotas.service import QuotaService
from skillcert.access import Owner, access
from skillcert.auth import Principal, require_roles
from skillcert.clock import utcnow
from skillcert.errors import problem_responses
from skillcert.http import DbSession, service_router

router = service_router("/api/v1/registration", tags=["registration: quotas"])

InstitutionStaff = Annotated[Principal, Depends(require_roles(*ENTERING_ROLES))]


@router.get(
    "/quotas",
    response_model=list[QuotaOut],
    responses=problem_responses(401, 403, 422),
    **access(institution_admin=Owner.INSTITUTION, institution_head=Owner.INSTITUTION),
)
async def list_quotas(
    principal: InstitutionStaff,
    session: DbSession,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
) -> list[QuotaOut]:
    """The caller's institution's quotas (指标) of a year (this year, China time, by default):
    approved by the province, used by registrations (报考), left. Read only: only a province
    decision changes a quota."""
    institution_id = entering_institution(principal)
    chosen = year if year is not None else quota_year(utcnow())
    return await QuotaService(session).of_institution(institution_id, chosen)
