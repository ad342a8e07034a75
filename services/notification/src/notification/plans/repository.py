from datetime import datetime
from uuid import UUID

from sqlalchemy import BindParameter, ScalarSelect, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from notification.plans.models import PlanTitle
from skillcert.readmodel import upsert_newer

#: what a message says when the plan's publication has not arrived yet
UNKNOWN_TITLE = "考试计划"


class PlanTitleRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def remember(self, plan_id: UUID, title: str, published_at: datetime) -> bool:
        """Keep the title unless a newer publication's is kept; False when it was older."""
        values = {"plan_id": plan_id, "title": title, "published_at": published_at}
        return await upsert_newer(self.session, PlanTitle, values)

    @staticmethod
    def title_of(plan_id: UUID | BindParameter[UUID]) -> ScalarSelect[str]:
        """The plan's title as a scalar subquery, for a message read in one statement."""
        known = select(PlanTitle.title).where(PlanTitle.plan_id == plan_id).scalar_subquery()
        return select(func.coalesce(known, literal(UNKNOWN_TITLE))).scalar_subquery()
