from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from registration.entries.models import ExamEntry
from registration.plans.models import ExamPlan
from registration.roster.models import RosterStudent
from skillcert.crypto import blind_index
from skillcert.paging import Keyset, Slice

NEWEST_FIRST = Keyset(ExamEntry.entered_at, ExamEntry.id, descending=True)


class EntryRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add_all(self, entries: Collection[ExamEntry]) -> None:
        self.session.add_all(entries)

    async def delete(self, entry: ExamEntry) -> None:
        await self.session.delete(entry)

    async def of_plan(self, plan_id: UUID, id_numbers: Collection[str]) -> dict[str, ExamEntry]:
        """The plan's entries of these ID numbers, whoever made them, locked."""
        if not id_numbers:
            return {}
        query = (
            select(ExamEntry)
            .where(ExamEntry.plan_id == plan_id, ExamEntry.id_number_hash.in_(_hashes(id_numbers)))
            .order_by(ExamEntry.id)
            .with_for_update()
        )
        return {e.id_number: e for e in (await self.session.execute(query)).scalars()}

    async def roster_students(
        self, institution_id: str, id_numbers: Collection[str]
    ) -> dict[str, RosterStudent]:
        """The institution's roster students among `id_numbers`, by ID number."""
        if not id_numbers:
            return {}
        query = select(RosterStudent).where(
            RosterStudent.institution_id == institution_id,
            RosterStudent.id_number_hash.in_(_hashes(id_numbers)),
        )
        return {s.id_number: s for s in (await self.session.execute(query)).scalars()}

    async def page(
        self, institution_id: str, plan_id: UUID, cursor: str | None, limit: int
    ) -> Slice[ExamEntry]:
        query = select(ExamEntry).where(
            ExamEntry.institution_id == institution_id, ExamEntry.plan_id == plan_id
        )
        return await NEWEST_FIRST.fetch(self.session, query, cursor, limit)

    async def plans_of_certificates(
        self, certificate_codes: Collection[str], closing_after: datetime
    ) -> list[ExamPlan]:
        """Plans not cancelled of these certificates whose registration closes after
        `closing_after`, closing soonest first."""
        if not certificate_codes:
            return []
        query = (
            select(ExamPlan)
            .where(
                ExamPlan.occupation_code.in_(list(certificate_codes)),
                ExamPlan.cancelled_at.is_(None),
                ExamPlan.registration_closes_at > closing_after,
            )
            .order_by(ExamPlan.registration_closes_at, ExamPlan.plan_id)
            .limit(100)
        )
        return list((await self.session.execute(query)).scalars())


def _hashes(id_numbers: Collection[str]) -> list[str]:
    return [blind_index(n) for n in id_numbers]
