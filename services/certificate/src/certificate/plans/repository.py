from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from certificate.plans.models import PlanInfo
from skillcert.readmodel import upsert_newer


class PlanRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, plan_id: UUID) -> PlanInfo | None:
        return await self.session.get(PlanInfo, plan_id)

    async def remember(self, values: dict[str, Any]) -> bool:
        """A republished plan (title or names corrected) replaces the copy kept, unless the
        copy is of a newer publication; False when it was older."""
        return await upsert_newer(self.session, PlanInfo, values)
