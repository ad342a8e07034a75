from __future__ import annotations

from datetime import date
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from payment.reconciliation.models import ReconciliationFinding, ReconciliationRun
from payment.reconciliation.rules import RunStatus, RunTrigger
from skillcert.paging import Keyset, Slice

NEWEST_FIRST = Keyset(ReconciliationRun.started_at, ReconciliationRun.id, descending=True)


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

    async def page(self, cursor: str | None, limit: int) -> Slice[ReconciliationRun]:
        """Newest first."""
        return await NEWEST_FIRST.fetch(self.session, select(ReconciliationRun), cursor, limit)
