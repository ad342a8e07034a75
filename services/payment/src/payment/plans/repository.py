from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from payment.plans.models import PlanFee
from skillcert.events import ExamPlanPublished


class PlanRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, plan_id: UUID) -> PlanFee | None:
        return await self.session.get(PlanFee, plan_id)

    async def remember(self, event: ExamPlanPublished) -> None:
        plan = await self.session.get(PlanFee, event.plan_id)
        if plan is None:
            plan = PlanFee(plan_id=event.plan_id, published_at=event.occurred_at)
            self.session.add(plan)
        elif plan.published_at > event.occurred_at:
            # An older publication delivered late must not undo a newer one.
            return
        plan.org_id = event.org_id
        plan.title = event.title
        plan.fee_fen = event.fee_fen
        plan.registration_opens_at = event.registration_opens_at
        plan.registration_closes_at = event.registration_closes_at
        plan.exam_starts_at = event.exam_starts_at
        plan.exam_ends_at = event.exam_ends_at
        plan.published_at = event.occurred_at
        plan.subject_codes = [subject.code for subject in event.subjects]
        await self.session.flush()

    async def cancel(self, plan_id: UUID, at: datetime) -> PlanFee | None:
        """Mark the plan cancelled; None when it was never published here."""
        plan = await self.session.get(PlanFee, plan_id)
        if plan is not None and plan.cancelled_at is None:
            plan.cancelled_at = at
            await self.session.flush()
        return plan
