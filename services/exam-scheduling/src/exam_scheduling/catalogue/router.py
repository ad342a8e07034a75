from __future__ import annotations

from exam_scheduling.catalogue.schemas import OccupationOut
from exam_scheduling.catalogue.service import CatalogueService
from skillcert.http import DbSession, service_router

router = service_router("/api/v1/exam-scheduling", tags=["exam-scheduling: catalogue"])


@router.get("/occupations", response_model=list[OccupationOut])
async def list_occupations(session: DbSession) -> list[OccupationOut]:
    """The occupations (职业) and levels (等级) plans can be opened for; public."""
    return await CatalogueService(session).occupations()
