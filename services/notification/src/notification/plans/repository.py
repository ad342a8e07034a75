from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from notification.plans.models import PlanTitle


class PlanTitleRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def remember(self, plan_id: UUID, title: str) -> None:
        existing = await self.session.get(PlanTitle, plan_id)
        if existing is None:
            self.session.add(PlanTitle(plan_id=plan_id, title=title))
        else:
            existing.title = title
        await self.session.flush()

    async def title(self, plan_id: UUID) -> str:
        existing = await self.session.get(PlanTitle, plan_id)
        return existing.title if existing is not None else "考试计划"
