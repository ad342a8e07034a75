from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from institution.directory.models import DirectoryChange, DirectoryEntry
from skillcert.paging import Keyset, Slice

#: Sign-up lists a city's institutions by name; the code breaks ties and keeps pages stable.
BY_NAME = Keyset(DirectoryEntry.name, DirectoryEntry.code)
NEWEST_FIRST = Keyset(DirectoryChange.at, DirectoryChange.id, descending=True)


class DirectoryRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, code: str) -> DirectoryEntry | None:
        return await self.session.get(DirectoryEntry, code)

    async def named(self, province: str, name: str) -> DirectoryEntry | None:
        query = select(DirectoryEntry).where(
            DirectoryEntry.province == province, DirectoryEntry.name == name
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def existing_codes(self, codes: list[str]) -> set[str]:
        query = select(DirectoryEntry.code).where(DirectoryEntry.code.in_(codes))
        return set((await self.session.execute(query)).scalars())

    async def listing(
        self, province: str, city: str | None, name: str | None, cursor: str | None, limit: int
    ) -> Slice[DirectoryEntry]:
        query = select(DirectoryEntry).where(DirectoryEntry.province == province)
        if city is not None:
            query = query.where(DirectoryEntry.city == city)
        if name:
            query = query.where(DirectoryEntry.name.contains(name, autoescape=True))
        return await BY_NAME.fetch(self.session, query, cursor, limit)

    async def regions(self) -> list[tuple[str, str]]:
        """Every (province, city) with at least one listed institution."""
        query = select(DirectoryEntry.province, DirectoryEntry.city).distinct()
        return [(p, c) for p, c in (await self.session.execute(query)).all()]

    async def changes(self, code: str, cursor: str | None, limit: int) -> Slice[DirectoryChange]:
        query = select(DirectoryChange).where(DirectoryChange.code == code)
        return await NEWEST_FIRST.fetch(self.session, query, cursor, limit)

    def add(self, *rows: DirectoryEntry | DirectoryChange) -> None:
        self.session.add_all(rows)
