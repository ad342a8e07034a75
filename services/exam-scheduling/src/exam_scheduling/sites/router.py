from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import Depends

from exam_scheduling.sites.schemas import RoomIn, RoomOut, SiteIn, SiteOut
from exam_scheduling.sites.service import SiteService
from skillcert.auth import Principal, Role, require_roles
from skillcert.errors import problem_responses
from skillcert.http import DbSession, service_router

router = service_router("/api/v1/exam-scheduling", tags=["exam-scheduling: sites"])

SiteManager = Annotated[Principal, Depends(require_roles(Role.ORG_ADMIN, Role.INSTITUTION_ADMIN))]


@router.post(
    "/sites",
    status_code=201,
    response_model=SiteOut,
    responses=problem_responses(401, 403, 422),
)
async def create_site(data: SiteIn, principal: SiteManager, session: DbSession) -> SiteOut:
    """Set up a test site (考点申报) for an institution."""
    return await SiteService(session).create(principal, data)


@router.post(
    "/sites/{site_id}/rooms",
    status_code=201,
    response_model=RoomOut,
    responses=problem_responses(400, 401, 403, 404, 409, 422),
)
async def add_room(
    site_id: UUID, data: RoomIn, principal: SiteManager, session: DbSession
) -> RoomOut:
    """Add a room (考场设置) with its number of seats."""
    return await SiteService(session).add_room(principal, site_id, data)


@router.get("/sites", response_model=list[SiteOut], responses=problem_responses(401, 403))
async def list_sites(principal: SiteManager, session: DbSession) -> list[SiteOut]:
    """Sites with their rooms: all for the organisation, its own for an institution."""
    return await SiteService(session).visible_sites(principal)
