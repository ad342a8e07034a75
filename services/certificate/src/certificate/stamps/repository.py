from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from certificate.stamps.models import Stamp


class StampRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, institution_id: str) -> Stamp | None:
        return await self.session.get(Stamp, institution_id)

    async def save(self, stamp: Stamp) -> Stamp:
        saved = await self.session.merge(stamp)
        await self.session.flush()
        return saved
