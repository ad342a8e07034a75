from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from exam_scheduling.catalogue.models import (
    Level,
    Occupation,
    RelatedOccupation,
    RelatedOccupationException,
)

CatalogueRow = Occupation | Level | RelatedOccupation | RelatedOccupationException


class CatalogueRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def occupations(self, *, certified_only: bool = False) -> list[Occupation]:
        query = select(Occupation).order_by(Occupation.code)
        if certified_only:
            query = query.where(Occupation.certified.is_(True))
        return list((await self.session.execute(query)).scalars())

    async def levels(self) -> list[Level]:
        return list((await self.session.execute(select(Level).order_by(Level.level))).scalars())

    async def occupation(self, code: str) -> Occupation | None:
        return await self.session.get(Occupation, code)

    async def existing_codes(self, codes: Iterable[str]) -> set[str]:
        wanted = set(codes)
        if not wanted:
            return set()
        query = select(Occupation.code).where(Occupation.code.in_(wanted))
        return set((await self.session.execute(query)).scalars())

    async def level(self, level: int) -> Level | None:
        return await self.session.get(Level, level)

    async def related(self, occupation_code: str) -> list[tuple[RelatedOccupation, Occupation]]:
        query = (
            select(RelatedOccupation, Occupation)
            .join(Occupation, Occupation.code == RelatedOccupation.related_code)
            .where(RelatedOccupation.occupation_code == occupation_code)
            .order_by(RelatedOccupation.related_code, RelatedOccupation.source)
        )
        return [(r, o) for r, o in (await self.session.execute(query)).tuples()]

    async def exceptions(
        self, occupation_code: str
    ) -> list[tuple[RelatedOccupationException, Occupation]]:
        query = (
            select(RelatedOccupationException, Occupation)
            .join(Occupation, Occupation.code == RelatedOccupationException.related_code)
            .where(RelatedOccupationException.occupation_code == occupation_code)
            .order_by(RelatedOccupationException.related_code)
        )
        return [(e, o) for e, o in (await self.session.execute(query)).tuples()]

    async def all_relations(self) -> list[RelatedOccupation]:
        return list((await self.session.execute(select(RelatedOccupation))).scalars())

    async def all_exceptions(self) -> list[RelatedOccupationException]:
        return list((await self.session.execute(select(RelatedOccupationException))).scalars())

    async def remove(self, row: CatalogueRow) -> None:
        await self.session.delete(row)

    def add(self, row: CatalogueRow) -> None:
        self.session.add(row)
