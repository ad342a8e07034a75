from __future__ import annotations

from typing import Annotated

from fastapi import Query

from registration.plans.schemas import PlanOut
from registration.plans.service import PlanService
from skillcert.access import public
from skillcert.errors import problem_responses
from skillcert.http import DbSession, service_router
from skillcert.paging import Page

router = service_router("/api/v1/registration", tags=["registration: plans"])


@router.get(
    "/plans",
    response_model=Page[PlanOut],
    responses=problem_responses(422),
    **public("考生浏览开放报名的计划"),
)
async def list_open_plans(
    session: DbSession,
    occupation_code: Annotated[str | None, Query(max_length=50)] = None,
    level: Annotated[int | None, Query(ge=1, le=5)] = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> Page[PlanOut]:
    """Exam plans whose registration window is open now, with conditions and fee. Public: the
    home page lists them to visitors."""
    plans = await PlanService(session).open_plans(occupation_code, level, cursor, limit)
    return plans.page(PlanOut.model_validate)
