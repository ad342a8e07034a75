from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from gateway.audit.repository import AuditRepository
from gateway.audit.schemas import AuditTrailEntryOut
from skillcert.errors import FieldError, InvalidInput
from skillcert.events import AuditRecorded
from skillcert.paging import Page


class AuditService:
    def __init__(self, session: AsyncSession) -> None:
        self.repo = AuditRepository(session)

    async def keep(self, event: AuditRecorded) -> None:
        await self.repo.add(
            {
                "event_id": event.event_id,
                "at": event.at,
                "service": event.service,
                "kind": event.kind,
                "action": event.action,
                "actor_id": event.actor_id,
                "actor_role": event.actor_role,
                "actor_org": event.actor_org,
                "subject_type": event.subject_type,
                "subject_id": event.subject_id,
                "person_id": event.person_id,
                "reason": event.reason,
                "correlation_id": event.correlation_id,
            }
        )

    async def search(
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
    ) -> Page[AuditTrailEntryOut]:
        naive = [
            FieldError(field=name, message="时间须带时区，如 2027-01-01T08:00:00+08:00")
            for name, value in (("since", since), ("until", until))
            if value is not None and value.tzinfo is None
        ]
        if naive:
            raise InvalidInput("查询时间有误", errors=naive)
        if since is not None and until is not None and until <= since:
            raise InvalidInput(
                "查询时间段有误",
                errors=[FieldError(field="until", message="结束时间须晚于开始时间")],
            )
        rows = await self.repo.page(
            actor_id=actor_id,
            person_id=person_id,
            kind=kind,
            action=action,
            since=since,
            until=until,
            cursor=cursor,
            limit=limit,
        )
        return rows.page(AuditTrailEntryOut.model_validate)
