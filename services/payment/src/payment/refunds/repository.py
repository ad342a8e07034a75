from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from payment.refunds.models import Refund
from payment.refunds.rules import AWAITING_PROVIDER, RefundState


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

    async def due_for_query(
        self, at: datetime, age: timedelta, repeat: timedelta, limit: int
    ) -> list[UUID]:
        """Refunds accepted at least `age` ago whose final result has not reached us, not
        asked about within `repeat`; the longest unasked first."""
        query = (
            select(Refund.id)
            .where(
                Refund.status.in_(list(AWAITING_PROVIDER)),
                Refund.submitted_at <= at - age,
                or_(Refund.last_queried_at.is_(None), Refund.last_queried_at <= at - repeat),
            )
            .order_by(func.coalesce(Refund.last_queried_at, Refund.submitted_at))
            .limit(limit)
        )
        return list((await self.session.execute(query)).scalars())

    async def claim_awaiting(self, refund_id: UUID) -> Refund | None:
        """Lock a refund still awaiting the provider for the query job; None when another
        worker (or a notification) holds it or it has finished meanwhile."""
        query = (
            select(Refund)
            .where(Refund.id == refund_id, Refund.status.in_(list(AWAITING_PROVIDER)))
            .with_for_update(skip_locked=True)
        )
        return (await self.session.execute(query)).scalar_one_or_none()
