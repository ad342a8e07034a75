"""The quota ledger (指标台账): kept from the province's decisions, read by institutions.
Flushes only."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from registration.quotas.models import Quota
from registration.quotas.repository import QuotaRepository
from registration.quotas.schemas import QuotaOut, quota_out
from skillcert.events import PilotApproved
from skillcert.readmodel import upsert_newer


class QuotaService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repo = QuotaRepository(session)

    async def remember(self, event: PilotApproved) -> bool:
        """Take the decided headcount; a decision older than the one held is ignored."""
        return await upsert_newer(
            self.session,
            Quota,
            {
                "institution_id": event.institution_code,
                "certificate_code": event.certificate_code,
                "year": event.year,
                "institution_name": event.institution_name,
                "certificate_name": event.certificate_name,
                "province": event.province,
                "approved_headcount": event.approved_headcount,
                "decision_id": event.decision_id,
                "decided_at": event.decided_at,
            },
            version="decided_at",
        )

    async def of_institution(self, institution_id: str, year: int) -> list[QuotaOut]:
        quotas = await self.repo.of_institution(institution_id, year)
        used = await self.repo.used(institution_id, year, [q.certificate_code for q in quotas])
        return [quota_out(q, used.get(q.certificate_code, 0)) for q in quotas]
