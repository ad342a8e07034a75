from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from registration.entries.models import ExamEntry
from registration.plans.models import ExamPlan
from registration.quotas.models import Quota


class QuotaRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def locked(self, institution_id: str, certificate_code: str, year: int) -> Quota | None:
        """The quota row, locked until the transaction ends: every change of the places it
        counts (报考, deletion) takes this lock first, so two imports at once are counted one
        after the other and cannot together exceed it. SQLite has one writer anyway."""
        query = (
            select(Quota)
            .where(
                Quota.institution_id == institution_id,
                Quota.certificate_code == certificate_code,
                Quota.year == year,
            )
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def of_institution(self, institution_id: str, year: int) -> list[Quota]:
        query = (
            select(Quota)
            .where(Quota.institution_id == institution_id, Quota.year == year)
            .order_by(Quota.certificate_code)
        )
        return list((await self.session.execute(query)).scalars())

    async def used(
        self, institution_id: str, year: int, certificate_codes: Collection[str]
    ) -> dict[str, int]:
        """Places used per certificate: the institution's students registered in `year`; a
        cancelled plan's registrations use none (no one sits it)."""
        if not certificate_codes:
            return {}
        query = (
            select(ExamEntry.certificate_code, func.count())
            .join(ExamPlan, ExamPlan.plan_id == ExamEntry.plan_id)
            .where(
                ExamPlan.cancelled_at.is_(None),
                ExamEntry.institution_id == institution_id,
                ExamEntry.year == year,
                ExamEntry.certificate_code.in_(list(certificate_codes)),
            )
            .group_by(ExamEntry.certificate_code)
        )
        return {code: int(n) for code, n in (await self.session.execute(query)).all()}
