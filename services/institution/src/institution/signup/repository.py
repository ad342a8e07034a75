from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from institution.signup.models import InstitutionHead


class SignUpRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def head_of(self, institution_code: str) -> InstitutionHead | None:
        return await self.session.get(InstitutionHead, institution_code)

    async def add(self, head: InstitutionHead) -> None:
        self.session.add(head)
        await self.session.flush()
