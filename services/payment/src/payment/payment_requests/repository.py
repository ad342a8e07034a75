from __future__ import annotations

from collections.abc import Collection
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from payment.payment_requests.models import PaymentRequest, PaymentRequestItem
from skillcert.paging import Keyset, Slice

NEWEST_FIRST = Keyset(PaymentRequest.created_at, PaymentRequest.id, descending=True)


class PaymentRequestRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, request: PaymentRequest) -> None:
        self.session.add(request)

    async def get(self, request_id: UUID, *, lock: bool = False) -> PaymentRequest | None:
        query = (
            select(PaymentRequest)
            .where(PaymentRequest.id == request_id)
            .options(selectinload(PaymentRequest.items))
        )
        if lock:
            query = query.with_for_update()
        return (await self.session.execute(query)).scalar_one_or_none()

    async def delete(self, request: PaymentRequest) -> None:
        await self.session.delete(request)
        await self.session.flush()

    async def holding(self, application_id: UUID) -> str | None:
        """The number of the request an application is in, if any (drafts included)."""
        query = (
            select(PaymentRequest.request_no)
            .join(PaymentRequestItem, PaymentRequestItem.request_id == PaymentRequest.id)
            .where(PaymentRequestItem.application_id == application_id)
            .limit(1)
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def holding_any(self, application_ids: Collection[UUID]) -> dict[UUID, str]:
        if not application_ids:
            return {}
        query = (
            select(PaymentRequestItem.application_id, PaymentRequest.request_no)
            .join(PaymentRequest, PaymentRequestItem.request_id == PaymentRequest.id)
            .where(PaymentRequestItem.application_id.in_(list(application_ids)))
        )
        return {row[0]: row[1] for row in (await self.session.execute(query)).all()}

    async def page(
        self,
        *,
        institution_id: str | None,
        org_id: str | None,
        plan_id: UUID | None,
        status: str | None,
        cursor: str | None,
        limit: int,
    ) -> Slice[PaymentRequest]:
        """Newest first, narrowed to what the caller may see."""
        query = select(PaymentRequest)
        if institution_id is not None:
            query = query.where(PaymentRequest.institution_id == institution_id)
        if org_id is not None:
            query = query.where(PaymentRequest.org_id == org_id)
        if plan_id is not None:
            query = query.where(PaymentRequest.plan_id == plan_id)
        if status is not None:
            query = query.where(PaymentRequest.status == status)
        return await NEWEST_FIRST.fetch(self.session, query, cursor, limit)
