"""The occupation and level catalogue (职业/等级目录) and its related-occupation lists."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from exam_scheduling.catalogue.models import (
    Level,
    Occupation,
    RelatedOccupation,
    RelatedOccupationException,
)
from exam_scheduling.catalogue.repository import CatalogueRepository
from exam_scheduling.catalogue.rules import (
    DEFAULT_LEVELS,
    DEFAULT_OCCUPATIONS,
    EXCEPTIONS,
    SOURCES,
    effective_related,
    relation_seeds,
)
from exam_scheduling.catalogue.schemas import (
    LevelOut,
    OccupationDetailOut,
    OccupationOut,
    RelatedExceptionOut,
    RelatedOccupationOut,
)
from skillcert.errors import NotFound


class CatalogueService:
    def __init__(self, session: AsyncSession) -> None:
        self.repo = CatalogueRepository(session)

    async def occupations(self) -> list[OccupationOut]:
        """The occupations plans can be opened for; related-only ones are not offered."""
        levels = [LevelOut.model_validate(level) for level in await self.repo.levels()]
        return [
            OccupationOut(code=o.code, name=o.name, national_code=o.national_code, levels=levels)
            for o in await self.repo.occupations(certified_only=True)
        ]

    async def occupation(self, code: str) -> OccupationDetailOut:
        occupation = await self.repo.occupation(code)
        if occupation is None:
            raise NotFound("职业不存在")
        exceptions = await self.repo.exceptions(code)
        excluded = {e.related_code for e, _ in exceptions}
        by_code: dict[str, tuple[Occupation, list[RelatedOccupation]]] = {}
        for relation, related in await self.repo.related(code):
            by_code.setdefault(related.code, (related, []))[1].append(relation)
        related_out = []
        for related_code in effective_related(by_code, excluded):
            related, relations = by_code[related_code]
            related_out.append(
                RelatedOccupationOut(
                    code=related.code,
                    name=related.name,
                    national_code=related.national_code,
                    listed_as=sorted({r.listed_as for r in relations}),
                    sources=sorted({SOURCES.get(r.source, r.source) for r in relations}),
                )
            )
        return OccupationDetailOut(
            code=occupation.code,
            name=occupation.name,
            national_code=occupation.national_code,
            certified=occupation.certified,
            levels=[LevelOut.model_validate(level) for level in await self.repo.levels()],
            related_occupations=related_out,
            exceptions=[
                RelatedExceptionOut(
                    code=related.code,
                    name=related.name,
                    source=SOURCES.get(e.source, e.source),
                    reason=e.reason,
                )
                for e, related in exceptions
            ],
        )

    async def related_codes(self, code: str) -> list[str]:
        """The concrete related occupation codes of `code` (every source, minus exceptions):
        what a plan condition with `related_from_catalogue` carries."""
        excluded = {e.related_code for e, _ in await self.repo.exceptions(code)}
        return effective_related(
            (r.related_code for r, _ in await self.repo.related(code)), excluded
        )


async def seed_catalogue(session: AsyncSession) -> None:
    """Bring the seeded catalogue up to date: missing occupations and levels are inserted (names
    of existing rows are left alone), classification data is refreshed, and the relations and
    exceptions of the seed sources become exactly the seeded ones. Running it again changes
    nothing."""
    repo = CatalogueRepository(session)
    for seed in DEFAULT_OCCUPATIONS:
        row = await repo.occupation(seed.code)
        if row is None:
            repo.add(
                Occupation(
                    code=seed.code,
                    name=seed.name,
                    national_code=seed.national_code,
                    certified=seed.certified,
                )
            )
        else:
            row.national_code = seed.national_code
            row.certified = seed.certified
    for level, level_name in DEFAULT_LEVELS.items():
        if await repo.level(level) is None:
            repo.add(Level(level=level, name=level_name))
    await session.flush()

    wanted = {(r.occupation_code, r.related_code, r.source): r for r in relation_seeds()}
    for relation in await repo.all_relations():
        key = (relation.occupation_code, relation.related_code, relation.source)
        if relation.source in SOURCES and key not in wanted:
            await repo.remove(relation)
        elif key in wanted:
            relation.listed_as = wanted.pop(key).listed_as
    for seed_row in wanted.values():
        repo.add(
            RelatedOccupation(
                occupation_code=seed_row.occupation_code,
                related_code=seed_row.related_code,
                source=seed_row.source,
                listed_as=seed_row.listed_as,
            )
        )
    exceptions = {(e.occupation_code, e.related_code): e for e in EXCEPTIONS}
    for existing in await repo.all_exceptions():
        pair = (existing.occupation_code, existing.related_code)
        if existing.source in SOURCES and pair not in exceptions:
            await repo.remove(existing)
        elif pair in exceptions:
            seed_exception = exceptions.pop(pair)
            existing.source, existing.reason = seed_exception.source, seed_exception.reason
    for e in exceptions.values():
        repo.add(
            RelatedOccupationException(
                occupation_code=e.occupation_code,
                related_code=e.related_code,
                source=e.source,
                reason=e.reason,
            )
        )
    await session.flush()
