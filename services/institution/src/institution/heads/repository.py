from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from institution.heads.models import HeadReplacement
from institution.signup.models import InstitutionHead


class HeadRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def head_for_update(self, institution_code: str) -> InstitutionHead | None:
        """The head slot, locked: of two replacements racing, the second sees the first's
        new head as the one it replaces."""
        result = await self.session.execute(
            select(InstitutionHead)
            .where(InstitutionHead.institution_code == institution_code)
            .with_for_update()
        )
        return result.scalar_one_or_none()

    async def add(self, replacement: HeadReplacement) -> None:
        self.session.add(replacement)
        await self.session.flush()

    async def replacements(self, institution_code: str) -> list[HeadReplacement]:
        result = await self.session.execute(
            select(HeadReplacement)
            .where(HeadReplacement.institution_code == institution_code)
            .order_by(HeadReplacement.replaced_at.desc(), HeadReplacement.id)
        )
        return list(result.scalars())
