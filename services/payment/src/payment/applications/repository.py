from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from payment.applications.models import PayableApplication
from payment.applications.rules import ApplicationStatus, normalise_id_number
from skillcert.crypto import blind_index


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
        candidate_name: str,
        id_number: str,
        institution_id: str | None,
    ) -> None:
        row = await self.get(application_id)
        if row is None:
            self.session.add(
                PayableApplication(
                    application_id=application_id,
                    candidate_id=candidate_id,
                    plan_id=plan_id,
                    candidate_name=candidate_name,
                    id_number=normalise_id_number(id_number),
                    institution_id=institution_id,
                    status=ApplicationStatus.APPROVED,
                    revision=revision,
                    approved_at=decided_at,
                )
            )
        elif row.status == ApplicationStatus.APPROVED and revision >= row.revision:
            row.revision, row.approved_at = revision, decided_at
            row.candidate_name, row.id_number = candidate_name, normalise_id_number(id_number)
            row.institution_id = institution_id
        await self.session.flush()

    async def approved_of_plan(
        self, plan_id: UUID, id_numbers: Collection[str]
    ) -> list[PayableApplication]:
        """Approved applications of a plan for these (normalised) ID numbers, whatever their
        institution (the caller tells "not yours" from "not found"), locked in a fixed order:
        two imports or confirmations naming the same students queue up."""
        if not id_numbers:
            return []
        query = (
            select(PayableApplication)
            .where(
                PayableApplication.plan_id == plan_id,
                PayableApplication.status == ApplicationStatus.APPROVED,
                PayableApplication.id_number_hash.in_([blind_index(n) for n in id_numbers]),
            )
            .order_by(PayableApplication.application_id)
            .with_for_update()
        )
        return list((await self.session.execute(query)).scalars())

    async def lock_many(self, application_ids: Collection[UUID]) -> dict[UUID, PayableApplication]:
        if not application_ids:
            return {}
        query = (
            select(PayableApplication)
            .where(PayableApplication.application_id.in_(list(application_ids)))
            .order_by(PayableApplication.application_id)
            .with_for_update()
        )
        return {a.application_id: a for a in (await self.session.execute(query)).scalars()}

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
