from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from scoring.roster.models import RosterEntry
from skillcert.events import CandidateScheduled
from skillcert.paging import Keyset, Slice

BY_TICKET = Keyset(RosterEntry.ticket_number, RosterEntry.application_id)


class RosterRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def remember(self, event: CandidateScheduled) -> None:
        entry = await self.session.get(RosterEntry, event.application_id)
        if entry is not None and entry.scheduled_at > event.occurred_at:
            return  # a newer scheduling (e.g. a re-allocated seat) is already known
        values = {
            "plan_id": event.plan_id,
            "candidate_id": event.candidate_id,
            "candidate_name": event.candidate_name,
            "id_number": event.id_number,
            "ticket_number": event.ticket_number,
            "institution_id": event.institution_id,
            "institution_name": event.institution_name,
            "scheduled_at": event.occurred_at,
        }
        if entry is None:
            self.session.add(RosterEntry(application_id=event.application_id, **values))
        else:
            for key, value in values.items():
                setattr(entry, key, value)
        await self.session.flush()

    async def by_tickets(self, plan_id: UUID, tickets: Iterable[str]) -> dict[str, RosterEntry]:
        wanted = set(tickets)
        if not wanted:
            return {}
        rows = await self.session.execute(
            select(RosterEntry).where(
                RosterEntry.plan_id == plan_id, RosterEntry.ticket_number.in_(wanted)
            )
        )
        return {e.ticket_number: e for e in rows.scalars()}

    async def by_ticket(self, plan_id: UUID, ticket_number: str) -> RosterEntry | None:
        return (await self.by_tickets(plan_id, [ticket_number])).get(ticket_number)

    async def of_plan(self, plan_id: UUID) -> list[RosterEntry]:
        rows = await self.session.execute(
            select(RosterEntry)
            .where(RosterEntry.plan_id == plan_id)
            .order_by(RosterEntry.ticket_number)
        )
        return list(rows.scalars())

    async def page(self, plan_id: UUID, cursor: str | None, limit: int) -> Slice[RosterEntry]:
        query = select(RosterEntry).where(RosterEntry.plan_id == plan_id)
        return await BY_TICKET.fetch(self.session, query, cursor, limit)

    async def page_of_institution(
        self, plan_id: UUID, institution_id: str, cursor: str | None, limit: int
    ) -> Slice[RosterEntry]:
        query = select(RosterEntry).where(
            RosterEntry.plan_id == plan_id, RosterEntry.institution_id == institution_id
        )
        return await BY_TICKET.fetch(self.session, query, cursor, limit)

    async def count(self, plan_id: UUID) -> int:
        result = await self.session.execute(
            select(func.count()).select_from(RosterEntry).where(RosterEntry.plan_id == plan_id)
        )
        return int(result.scalar_one())

    async def of_candidate(self, candidate_id: UUID) -> list[RosterEntry]:
        rows = await self.session.execute(
            select(RosterEntry)
            .where(RosterEntry.candidate_id == candidate_id)
            .order_by(RosterEntry.scheduled_at.desc())
        )
        return list(rows.scalars())
