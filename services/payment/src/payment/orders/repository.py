from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta
from uuid import UUID

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from payment.orders.models import Order
from payment.orders.rules import SETTLED, OrderKind, OrderStatus


class OrderRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, order: Order) -> None:
        self.session.add(order)

    async def get(self, order_id: UUID) -> Order | None:
        return await self.session.get(Order, order_id)

    async def by_out_trade_no(self, out_trade_no: str, *, lock: bool = False) -> Order | None:
        query = select(Order).where(Order.out_trade_no == out_trade_no)
        if lock:
            query = query.with_for_update()
        return (await self.session.execute(query)).scalar_one_or_none()

    async def pending_for_application(self, application_id: UUID) -> Order | None:
        query = select(Order).where(
            Order.application_id == application_id, Order.status == OrderStatus.PENDING
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def settled_for_application(
        self, application_id: UUID, *, excluding: UUID | None = None
    ) -> Order | None:
        query = select(Order).where(
            Order.application_id == application_id, Order.status.in_(list(SETTLED))
        )
        if excluding is not None:
            query = query.where(Order.id != excluding)
        return (await self.session.execute(query.limit(1))).scalar_one_or_none()

    async def due_for_check(
        self, now: datetime, window: timedelta, interval: timedelta, limit: int
    ) -> list[UUID]:
        """Pending orders past expiry, or near it and not asked about recently."""
        query = (
            select(Order.id)
            .where(
                Order.status == OrderStatus.PENDING,
                or_(
                    Order.expires_at <= now,
                    and_(
                        Order.expires_at <= now + window,
                        or_(
                            Order.last_queried_at.is_(None),
                            Order.last_queried_at <= now - interval,
                        ),
                    ),
                ),
            )
            .order_by(Order.expires_at)
            .limit(limit)
        )
        return list((await self.session.execute(query)).scalars())

    async def claim_pending(self, order_id: UUID) -> Order | None:
        """Lock a pending order for the job; None when another worker holds it or it moved on."""
        query = (
            select(Order)
            .where(Order.id == order_id, Order.status == OrderStatus.PENDING)
            .with_for_update(skip_locked=True)
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def lock(self, order_id: UUID) -> Order | None:
        query = select(Order).where(Order.id == order_id).with_for_update()
        return (await self.session.execute(query)).scalar_one_or_none()

    async def paid_for_application(self, application_id: UUID) -> list[Order]:
        """The application's orders that hold its money (status paid), locked."""
        query = (
            select(Order)
            .where(Order.application_id == application_id, Order.status == OrderStatus.PAID)
            .order_by(Order.paid_at)
            .with_for_update()
        )
        return list((await self.session.execute(query)).scalars())

    async def paid_for_plan(self, plan_id: UUID) -> list[Order]:
        """Every order of a plan that holds money (status paid), locked."""
        query = (
            select(Order)
            .where(Order.plan_id == plan_id, Order.status == OrderStatus.PAID)
            .order_by(Order.paid_at)
            .with_for_update()
        )
        return list((await self.session.execute(query)).scalars())

    async def settled_between(self, start: datetime, end: datetime) -> list[Order]:
        """Provider-paid (native) orders whose payment time falls in [start, end)."""
        query = (
            select(Order)
            .where(
                Order.kind == OrderKind.NATIVE,
                Order.status.in_(list(SETTLED)),
                Order.paid_at >= start,
                Order.paid_at < end,
            )
            .order_by(Order.paid_at)
        )
        return list((await self.session.execute(query)).scalars())

    async def by_out_trade_nos(self, numbers: list[str]) -> dict[str, Order]:
        if not numbers:
            return {}
        query = select(Order).where(Order.out_trade_no.in_(numbers)).with_for_update()
        return {o.out_trade_no: o for o in (await self.session.execute(query)).scalars()}

    async def settled_applications(self, application_ids: Collection[UUID]) -> set[UUID]:
        """Which of these applications already hold money (paid, refunding or refunded)."""
        if not application_ids:
            return set()
        query = select(Order.application_id).where(
            Order.application_id.in_(list(application_ids)), Order.status.in_(list(SETTLED))
        )
        return set((await self.session.execute(query)).scalars())
