from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from institution.profile.models import InstitutionProfile


class ProfileRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, institution_code: str) -> InstitutionProfile | None:
        return await self.session.get(InstitutionProfile, institution_code)

    async def add(self, profile: InstitutionProfile) -> None:
        self.session.add(profile)
        await self.session.flush()
