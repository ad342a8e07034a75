from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from payment.applications.models import PayableApplication
from payment.applications.rules import ApplicationStatus


class ApplicationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, application_id: UUID) -> PayableApplication | None:
        return await self.session.get(PayableApplication, application_id)

    async def lock(self, application_id: UUID) -> PayableApplication | None:
        """The application row, locked: creating orders for one application is serialised."""
        query = (
            select(PayableApplication)
            .where(PayableApplication.application_id == application_id)
            .with_for_update()
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def approve(
        self,
        application_id: UUID,
        candidate_id: UUID,
        plan_id: UUID,
        revision: int,
        decided_at: datetime,
    ) -> None:
        row = await self.get(application_id)
        if row is None:
            self.session.add(
                PayableApplication(
                    application_id=application_id,
                    candidate_id=candidate_id,
                    plan_id=plan_id,
                    status=ApplicationStatus.APPROVED,
                    revision=revision,
                    approved_at=decided_at,
                )
            )
        elif row.status == ApplicationStatus.APPROVED and revision >= row.revision:
            row.revision, row.approved_at = revision, decided_at
        await self.session.flush()

    async def withdraw(
        self, application_id: UUID, candidate_id: UUID, plan_id: UUID, at: datetime
    ) -> None:
        row = await self.get(application_id)
        if row is None:
            # Remembered even without an approval so that a late approval cannot revive it.
            self.session.add(
                PayableApplication(
                    application_id=application_id,
                    candidate_id=candidate_id,
                    plan_id=plan_id,
                    status=ApplicationStatus.WITHDRAWN,
                    revision=0,
                    withdrawn_at=at,
                )
            )
        else:
            row.status, row.withdrawn_at = ApplicationStatus.WITHDRAWN, at
        await self.session.flush()
