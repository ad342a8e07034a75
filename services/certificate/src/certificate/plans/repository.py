from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from certificate.plans.models import PlanInfo


class PlanRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, plan_id: UUID) -> PlanInfo | None:
        return await self.session.get(PlanInfo, plan_id)

    async def save(self, plan: PlanInfo) -> None:
        # merge: a re-published plan (title or names corrected) replaces the earlier copy.
        await self.session.merge(plan)
        await self.session.flush()
