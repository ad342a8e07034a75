from __future__ import annotations

from exam_scheduling.catalogue.schemas import OccupationDetailOut, OccupationOut
from exam_scheduling.catalogue.service import CatalogueService
from exam_scheduling.fields import Code
from skillcert.access import public
from skillcert.errors import problem_responses
from skillcert.http import DbSession, service_router

router = service_router("/api/v1/exam-scheduling", tags=["exam-scheduling: catalogue"])


@router.get("/occupations", response_model=list[OccupationOut], **public("职业目录（公开）"))
async def list_occupations(session: DbSession) -> list[OccupationOut]:
    """The occupations (职业) and levels (等级) plans can be opened for; public."""
    return await CatalogueService(session).occupations()


@router.get(
    "/occupations/{code}",
    response_model=OccupationDetailOut,
    responses=problem_responses(404, 422),
    **public("职业目录（公开）"),
)
async def get_occupation(code: Code, session: DbSession) -> OccupationDetailOut:
    """One occupation with its levels and related occupations (相关职业, exceptions applied);
    public, so candidates can check whether their certificate counts."""
    return await CatalogueService(session).occupation(code)
