"""Test sites (考点) and their rooms (考场)."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from exam_scheduling.sites.models import Room, Site
from exam_scheduling.sites.repository import SiteRepository
from exam_scheduling.sites.rules import MAX_ROOMS_PER_SITE, can_manage_site
from exam_scheduling.sites.schemas import RoomIn, RoomOut, SiteIn, SiteOut
from skillcert.auth import Principal, Role
from skillcert.clock import utcnow
from skillcert.errors import Conflict, FieldError, Forbidden, InvalidInput, NotFound, RuleViolation


class SiteService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repo = SiteRepository(session)

    async def create(self, principal: Principal, data: SiteIn) -> SiteOut:
        institution_id = data.institution_id
        if principal.role is Role.INSTITUTION_ADMIN:
            if institution_id is not None and institution_id != principal.org_id:
                raise Forbidden("只能为本院校申报考点")
            institution_id = principal.org_id
        elif institution_id is None:
            raise InvalidInput(
                "请指定考点所属院校",
                errors=[FieldError(field="institution_id", message="此项为必填项", code="missing")],
            )
        if institution_id is None or not can_manage_site(principal, institution_id):
            raise Forbidden("当前账号无权管理该考点")
        site = Site(
            name=data.name,
            address=data.address,
            institution_id=institution_id,
            institution_name=data.institution_name,
            created_at=utcnow(),
        )
        self.repo.add(site)
        await self.session.flush()
        return _site_out(site, [])

    async def add_room(self, principal: Principal, site_id: UUID, data: RoomIn) -> RoomOut:
        site = await self.repo.get(site_id, lock=True)
        if site is None or not can_manage_site(principal, site.institution_id):
            raise NotFound("考点不存在")
        if await self.repo.room_named(site.id, data.name) is not None:
            raise Conflict(
                "该考点已有同名考场",
                errors=[FieldError(field="name", message="该考点已有同名考场", code="duplicate")],
            )
        number = await self.repo.last_room_number(site.id) + 1
        if number > MAX_ROOMS_PER_SITE:
            raise RuleViolation(f"每个考点最多设置 {MAX_ROOMS_PER_SITE} 个考场")
        room = Room(
            site_id=site.id,
            number=number,
            name=data.name,
            capacity=data.capacity,
            created_at=utcnow(),
        )
        self.repo.add(room)
        await self.session.flush()
        return RoomOut.model_validate(room)

    async def visible_sites(self, principal: Principal) -> list[SiteOut]:
        if principal.role is Role.ORG_ADMIN:
            sites = await self.repo.for_institution(None)
        elif principal.role is Role.INSTITUTION_ADMIN and principal.org_id is not None:
            sites = await self.repo.for_institution(principal.org_id)
        else:
            raise Forbidden("当前账号无权查看考点")
        rooms = await self.repo.rooms_of([s.id for s in sites])
        return [_site_out(s, [r for r in rooms if r.site_id == s.id]) for s in sites]


def _site_out(site: Site, rooms: list[Room]) -> SiteOut:
    return SiteOut(
        id=site.id,
        name=site.name,
        address=site.address,
        institution_id=site.institution_id,
        institution_name=site.institution_name,
        rooms=[RoomOut.model_validate(r) for r in rooms],
    )
