from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.audit.models import AuditEntry
from skillcert.paging import Keyset, Slice

NEWEST_FIRST = Keyset(AuditEntry.at, AuditEntry.event_id, descending=True)


class AuditRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, values: dict[str, Any]) -> None:
        """Keep an entry once, however often its event is delivered."""
        await self.session.execute(
            insert(AuditEntry).values(**values).on_conflict_do_nothing(index_elements=["event_id"])
        )

    async def page(
        self,
        *,
        actor_id: UUID | None,
        person_id: UUID | None,
        kind: str | None,
        action: str | None,
        since: datetime | None,
        until: datetime | None,
        cursor: str | None,
        limit: int,
    ) -> Slice[AuditEntry]:
        query = select(AuditEntry)
        if actor_id is not None:
            query = query.where(AuditEntry.actor_id == actor_id)
        if person_id is not None:
            query = query.where(AuditEntry.person_id == person_id)
        if kind is not None:
            query = query.where(AuditEntry.kind == kind)
        if action is not None:
            # `review.` finds every entry of the review service, `review.case.viewed` one action.
            query = query.where(AuditEntry.action.startswith(action, autoescape=True))
        if since is not None:
            query = query.where(AuditEntry.at >= since)
        if until is not None:
            query = query.where(AuditEntry.at < until)
        return await NEWEST_FIRST.fetch(self.session, query, cursor, limit)
