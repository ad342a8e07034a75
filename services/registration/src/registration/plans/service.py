"""The open-plan read model (可报名的考试计划): kept from exam-scheduling's events, listed to
candidates choosing what to apply for."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from registration.plans.models import ExamPlan
from registration.plans.repository import PlanRepository
from skillcert.bus import RetryLater
from skillcert.clock import utcnow
from skillcert.events import ExamPlanCancelled, ExamPlanPublished, ExamPlanWindowsChanged
from skillcert.paging import Slice
from skillcert.readmodel import upsert_newer


class PlanService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repo = PlanRepository(session)

    async def remember(self, event: ExamPlanPublished) -> None:
        """Upsert the plan; a republication older than what we hold is ignored."""
        values: dict[str, Any] = {
            "org_id": event.org_id,
            "org_name": event.org_name,
            "title": event.title,
            "occupation_code": event.occupation_code,
            "occupation_name": event.occupation_name,
            "level": event.level,
            "level_name": event.level_name,
            "registration_opens_at": event.registration_opens_at,
            "registration_closes_at": event.registration_closes_at,
            "exam_starts_at": event.exam_starts_at,
            "exam_ends_at": event.exam_ends_at,
            "withdrawal_closes_at": event.withdrawal_deadline,
            "fee_fen": event.fee_fen,
            "requires_mail_in": event.requires_mail_in,
            "subjects": [s.model_dump(mode="json") for s in event.subjects],
            "conditions": [c.model_dump(mode="json") for c in event.conditions],
            "published_at": event.occurred_at,
        }
        await upsert_newer(self.session, ExamPlan, {"plan_id": event.plan_id, **values})

    async def change_windows(self, event: ExamPlanWindowsChanged) -> None:
        """Take the plan's new windows (报名, 考试, withdrawal deadline): registration judges
        the registration window and the deadline from this copy. The copy carries the newest
        event's time (`published_at`), so a change or republication older than what is held
        changes nothing; before the publication has arrived there is nothing to change yet."""
        plan = await self.repo.locked(event.plan_id, exclusive=True)
        if plan is None:
            raise RetryLater(f"windows of plan {event.plan_id} changed before its publication")
        if plan.published_at > event.occurred_at:
            return
        plan.registration_opens_at = event.registration_opens_at
        plan.registration_closes_at = event.registration_closes_at
        plan.exam_starts_at = event.exam_starts_at
        plan.exam_ends_at = event.exam_ends_at
        plan.withdrawal_closes_at = event.withdrawal_closes_at
        plan.published_at = event.occurred_at
        await self.session.flush()

    async def cancel(self, event: ExamPlanCancelled) -> ExamPlan | None:
        """Mark the plan cancelled (locked: no application is created meanwhile); None when
        its publication has not reached us yet. A second cancellation keeps the first."""
        plan = await self.repo.locked(event.plan_id, exclusive=True)
        if plan is not None and plan.cancelled_at is None:
            plan.cancelled_at = event.occurred_at
            plan.cancel_reason = event.reason
            await self.session.flush()
        return plan

    async def open_plans(
        self,
        occupation_code: str | None,
        level: int | None,
        cursor: str | None,
        limit: int,
    ) -> Slice[ExamPlan]:
        return await self.repo.open_page(utcnow(), occupation_code, level, cursor, limit)
