from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from exam_scheduling.sites.models import Room, Site


class SiteRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, row: Site | Room) -> None:
        self.session.add(row)

    async def get(self, site_id: UUID, *, lock: bool = False) -> Site | None:
        query = select(Site).where(Site.id == site_id)
        if lock:
            # Serialises room numbering within one site.
            query = query.with_for_update()
        return (await self.session.execute(query)).scalar_one_or_none()

    async def existing_ids(self, site_ids: Sequence[UUID]) -> set[UUID]:
        result = await self.session.execute(select(Site.id).where(Site.id.in_(site_ids)))
        return set(result.scalars())

    async def for_institution(self, institution_id: str | None) -> list[Site]:
        query = select(Site).order_by(Site.created_at, Site.id)
        if institution_id is not None:
            query = query.where(Site.institution_id == institution_id)
        return list((await self.session.execute(query)).scalars())

    async def rooms_of(self, site_ids: Sequence[UUID]) -> list[Room]:
        if not site_ids:
            return []
        query = select(Room).where(Room.site_id.in_(site_ids)).order_by(Room.site_id, Room.number)
        return list((await self.session.execute(query)).scalars())

    async def room_named(self, site_id: UUID, name: str) -> Room | None:
        query = select(Room).where(Room.site_id == site_id, Room.name == name)
        return (await self.session.execute(query)).scalar_one_or_none()

    async def last_room_number(self, site_id: UUID) -> int:
        query = select(func.coalesce(func.max(Room.number), 0)).where(Room.site_id == site_id)
        return int((await self.session.execute(query)).scalar_one())
