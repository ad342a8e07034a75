from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from payment.reconciliation.models import ReconciliationFinding, ReconciliationRun
from payment.reconciliation.rules import RunStatus, RunTrigger


class ReconciliationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, item: ReconciliationRun | ReconciliationFinding) -> None:
        self.session.add(item)

    async def get(self, run_id: UUID) -> ReconciliationRun | None:
        return await self.session.get(ReconciliationRun, run_id)

    async def findings(self, run_id: UUID) -> list[ReconciliationFinding]:
        query = (
            select(ReconciliationFinding)
            .where(ReconciliationFinding.run_id == run_id)
            .order_by(ReconciliationFinding.kind, ReconciliationFinding.out_trade_no)
        )
        return list((await self.session.execute(query)).scalars())

    async def scheduled_done(self, bill_date: date) -> bool:
        query = select(ReconciliationRun.id).where(
            ReconciliationRun.bill_date == bill_date,
            ReconciliationRun.trigger == RunTrigger.SCHEDULED,
            ReconciliationRun.status == RunStatus.SUCCEEDED,
        )
        return (await self.session.execute(query.limit(1))).first() is not None

    async def page(
        self, after: tuple[datetime, UUID] | None, limit: int
    ) -> list[ReconciliationRun]:
        """Newest first."""
        query = select(ReconciliationRun).order_by(
            ReconciliationRun.started_at.desc(), ReconciliationRun.id.desc()
        )
        if after is not None:
            at, run_id = after
            query = query.where(
                or_(
                    ReconciliationRun.started_at < at,
                    and_(ReconciliationRun.started_at == at, ReconciliationRun.id < run_id),
                )
            )
        return list((await self.session.execute(query.limit(limit))).scalars())
