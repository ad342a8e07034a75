"""The occupation and level catalogue (职业/等级目录)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from exam_scheduling.catalogue.models import Level, Occupation
from exam_scheduling.catalogue.repository import CatalogueRepository
from exam_scheduling.catalogue.rules import DEFAULT_LEVELS, DEFAULT_OCCUPATIONS
from exam_scheduling.catalogue.schemas import LevelOut, OccupationOut


class CatalogueService:
    def __init__(self, session: AsyncSession) -> None:
        self.repo = CatalogueRepository(session)

    async def occupations(self) -> list[OccupationOut]:
        levels = [LevelOut.model_validate(level) for level in await self.repo.levels()]
        return [
            OccupationOut(code=o.code, name=o.name, levels=levels)
            for o in await self.repo.occupations()
        ]


async def seed_catalogue(session: AsyncSession) -> None:
    """Insert the seeded occupations and levels that are missing; edited rows are left alone."""
    repo = CatalogueRepository(session)
    for code, name in DEFAULT_OCCUPATIONS.items():
        if await repo.occupation(code) is None:
            repo.add(Occupation(code=code, name=name))
    for level, level_name in DEFAULT_LEVELS.items():
        if await repo.level(level) is None:
            repo.add(Level(level=level, name=level_name))
    await session.flush()
