from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from payment.plans.models import PlanFee
from skillcert.events import ExamPlanPublished
from skillcert.readmodel import upsert_newer


class PlanRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, plan_id: UUID) -> PlanFee | None:
        return await self.session.get(PlanFee, plan_id)

    async def remember(self, event: ExamPlanPublished) -> None:
        """Keep the plan; an older publication delivered late does not undo a newer one."""
        values = {
            "plan_id": event.plan_id,
            "org_id": event.org_id,
            "title": event.title,
            "fee_fen": event.fee_fen,
            "registration_opens_at": event.registration_opens_at,
            "registration_closes_at": event.registration_closes_at,
            "exam_starts_at": event.exam_starts_at,
            "exam_ends_at": event.exam_ends_at,
            "published_at": event.occurred_at,
            "subject_codes": [subject.code for subject in event.subjects],
        }
        await upsert_newer(self.session, PlanFee, values)

    async def cancel(self, plan_id: UUID, at: datetime) -> PlanFee | None:
        """Mark the plan cancelled; None when it was never published here."""
        plan = await self.session.get(PlanFee, plan_id)
        if plan is not None and plan.cancelled_at is None:
            plan.cancelled_at = at
            await self.session.flush()
        return plan
