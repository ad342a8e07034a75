from uuid import UUID

from sqlalchemy import BindParameter, ScalarSelect, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from notification.plans.models import PlanTitle

#: what a message says when the plan's publication has not arrived yet
UNKNOWN_TITLE = "考试计划"


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

    @staticmethod
    def title_of(plan_id: UUID | BindParameter[UUID]) -> ScalarSelect[str]:
        """The plan's title as a scalar subquery, for a message read in one statement."""
        known = select(PlanTitle.title).where(PlanTitle.plan_id == plan_id).scalar_subquery()
        return select(func.coalesce(known, literal(UNKNOWN_TITLE))).scalar_subquery()
