from __future__ import annotations

from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from certificate.stamps.models import Stamp, StampAgreement, StampAgreementAcceptance


class StampRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, institution_id: str) -> Stamp | None:
        return await self.session.get(Stamp, institution_id)

    async def save(self, stamp: Stamp) -> Stamp:
        saved = await self.session.merge(stamp)
        await self.session.flush()
        return saved

    async def current_agreement(self) -> StampAgreement | None:
        result = await self.session.execute(
            select(StampAgreement).order_by(StampAgreement.version.desc()).limit(1)
        )
        return result.scalar_one_or_none()

    async def last_agreement_version(self) -> int:
        result = await self.session.execute(select(func.max(StampAgreement.version)))
        return int(result.scalar_one() or 0)

    async def add(self, row: StampAgreement | StampAgreementAcceptance) -> None:
        self.session.add(row)
        await self.session.flush()

    async def acceptance(self, account_id: UUID, version: int) -> StampAgreementAcceptance | None:
        result = await self.session.execute(
            select(StampAgreementAcceptance).where(
                StampAgreementAcceptance.account_id == account_id,
                StampAgreementAcceptance.version == version,
            )
        )
        return result.scalar_one_or_none()
