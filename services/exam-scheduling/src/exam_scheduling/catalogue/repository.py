from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from exam_scheduling.catalogue.models import Level, Occupation


class CatalogueRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def occupations(self) -> list[Occupation]:
        result = await self.session.execute(select(Occupation).order_by(Occupation.code))
        return list(result.scalars())

    async def levels(self) -> list[Level]:
        return list((await self.session.execute(select(Level).order_by(Level.level))).scalars())

    async def occupation(self, code: str) -> Occupation | None:
        return await self.session.get(Occupation, code)

    async def level(self, level: int) -> Level | None:
        return await self.session.get(Level, level)

    def add(self, row: Occupation | Level) -> None:
        self.session.add(row)
