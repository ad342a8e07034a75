from __future__ import annotations

from typing import Annotated
from urllib.parse import quote
from uuid import UUID

from fastapi import Depends, Query, Response

from exam_scheduling.arrangements.rules import INSTITUTION_ROLES
from exam_scheduling.arrangements.schemas import ArrangementDetailOut, ArrangementsOut
from exam_scheduling.arrangements.service import ArrangementService
from skillcert.access import Owner, access
from skillcert.auth import Principal, Role, require_roles
from skillcert.errors import problem_responses
from skillcert.http import DbSession, service_router
from skillcert.spreadsheets import XLSX_MEDIA_TYPE

router = service_router("/api/v1/exam-scheduling", tags=["exam-scheduling: arrangements"])

Staff = Annotated[Principal, Depends(require_roles(Role.ORG_ADMIN, *INSTITUTION_ROLES))]
PlanFilter = Annotated[UUID | None, Query(description="only this exam plan")]


@router.get(
    "/arrangements",
    response_model=ArrangementsOut,
    responses=problem_responses(401, 403, 404, 422),
    **access(
        org_admin=Owner.ORG, institution_admin=Owner.INSTITUTION, institution_head=Owner.INSTITUTION
    ),
)
async def arrangements(
    principal: Staff, session: DbSession, plan_id: PlanFilter = None
) -> ArrangementsOut:
    """考点编排 and 考场编排 with counts: the institution's own sites, or the sites serving the
    organisation's own plans."""
    return await ArrangementService(session).overview(principal, plan_id)


@router.get(
    "/arrangements/details",
    response_model=list[ArrangementDetailOut],
    responses=problem_responses(401, 403, 404, 422),
    **access(
        org_admin=Owner.ORG, institution_admin=Owner.INSTITUTION, institution_head=Owner.INSTITUTION
    ),
)
async def arrangement_details(
    principal: Staff, session: DbSession, plan_id: PlanFilter = None
) -> list[ArrangementDetailOut]:
    """排考明细: every seated candidate by plan, site, room and seat; ID numbers masked."""
    return await ArrangementService(session).details(principal, plan_id)


@router.get(
    "/arrangements/details.xlsx",
    response_class=Response,
    responses={200: {"content": {XLSX_MEDIA_TYPE: {}}}, **problem_responses(401, 403, 404, 422)},
    **access(
        org_admin=Owner.ORG, institution_admin=Owner.INSTITUTION, institution_head=Owner.INSTITUTION
    ),
)
async def arrangement_details_xlsx(
    principal: Staff, session: DbSession, plan_id: PlanFilter = None
) -> Response:
    """排考明细 as an Excel workbook; ID numbers masked as in the list."""
    content = await ArrangementService(session).details_xlsx(principal, plan_id)
    return Response(
        content,
        media_type=XLSX_MEDIA_TYPE,
        headers={
            "Content-Disposition": 'attachment; filename="arrangements.xlsx"; '
            f"filename*=UTF-8''{quote('排考明细.xlsx')}",
            "Cache-Control": "no-store",
        },
    )
