from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from payment.refunds.models import Refund
from payment.refunds.rules import RefundState


class RefundRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, refund: Refund) -> None:
        self.session.add(refund)

    async def count_for_order(self, order_id: UUID) -> int:
        query = select(func.count()).select_from(Refund).where(Refund.order_id == order_id)
        return int((await self.session.execute(query)).scalar_one())

    async def for_order(self, order_id: UUID) -> list[Refund]:
        query = select(Refund).where(Refund.order_id == order_id).order_by(Refund.created_at)
        return list((await self.session.execute(query)).scalars())

    async def by_out_refund_no(self, out_refund_no: str, *, lock: bool = False) -> Refund | None:
        query = select(Refund).where(Refund.out_refund_no == out_refund_no)
        if lock:
            query = query.with_for_update()
        return (await self.session.execute(query)).scalar_one_or_none()

    async def due(self, at: datetime, limit: int) -> list[UUID]:
        """Refunds the provider has not accepted yet whose next attempt is due."""
        query = (
            select(Refund.id)
            .where(Refund.status == RefundState.PENDING, Refund.next_attempt_at <= at)
            .order_by(Refund.next_attempt_at)
            .limit(limit)
        )
        return list((await self.session.execute(query)).scalars())

    async def claim_due(self, refund_id: UUID, at: datetime) -> Refund | None:
        """Lock a due refund for the job; None when another worker holds it or it moved on."""
        query = (
            select(Refund)
            .where(
                Refund.id == refund_id,
                Refund.status == RefundState.PENDING,
                Refund.next_attempt_at <= at,
            )
            .with_for_update(skip_locked=True)
        )
        return (await self.session.execute(query)).scalar_one_or_none()
