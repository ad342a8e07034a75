from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from exam_scheduling.allocations.models import SeatAllocation
from exam_scheduling.allocations.rules import AllocationStatus
from exam_scheduling.checkin.models import CheckInRecord, SessionClosure
from exam_scheduling.checkin.rules import MarkFact
from exam_scheduling.plans.models import ExamPlan
from exam_scheduling.tickets.repository import Seated, TicketRepository
from skillcert.db import insert_or_ignore, table_of

_COLUMNS = (
    "id",
    "room_id",
    "session_id",
    "plan_id",
    "subject_code",
    "application_id",
    "ticket_number",
    "status",
    "marked_at",
    "received_at",
    "account_id",
    "device_id",
    "late",
)
# A record synced again (the device retried, or two devices share a queue) is stored once.
_INSERT_RECORD = insert_or_ignore(table_of(CheckInRecord), _COLUMNS, ("id",), returning="id")


class CheckInRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.tickets = TicketRepository(session)

    async def roster(self, room_id: UUID, plan_id: UUID) -> list[Seated]:
        """The room's scheduled candidates of the plan: who sits each of its sessions there."""
        return await self.tickets.in_room(room_id, plan_id)

    async def insert(self, values: dict[str, Any]) -> bool:
        return (await self.session.execute(_INSERT_RECORD, values)).first() is not None

    async def marks(self, room_id: UUID, session_id: UUID) -> list[MarkFact]:
        query = select(
            CheckInRecord.application_id, CheckInRecord.status, CheckInRecord.marked_at
        ).where(
            CheckInRecord.room_id == room_id,
            CheckInRecord.session_id == session_id,
            CheckInRecord.late.is_(False),
        )
        return [MarkFact(*row) for row in (await self.session.execute(query)).tuples()]

    async def records(self, room_id: UUID, session_id: UUID) -> list[CheckInRecord]:
        query = (
            select(CheckInRecord)
            .where(CheckInRecord.room_id == room_id, CheckInRecord.session_id == session_id)
            .order_by(CheckInRecord.marked_at, CheckInRecord.id)
        )
        return list((await self.session.execute(query)).scalars())

    async def closure(self, room_id: UUID, session_id: UUID) -> SessionClosure | None:
        return await self.session.get(SessionClosure, (room_id, session_id))

    def add(self, row: SessionClosure) -> None:
        self.session.add(row)

    async def ended_rooms(
        self, ended_before: datetime, ended_after: datetime
    ) -> list[tuple[UUID, UUID]]:
        """(room, plan) pairs with scheduled candidates whose exam ended in the interval."""
        query = (
            select(SeatAllocation.room_id, SeatAllocation.plan_id)
            .join(ExamPlan, ExamPlan.id == SeatAllocation.plan_id)
            .where(
                SeatAllocation.status == AllocationStatus.SCHEDULED,
                SeatAllocation.room_id.is_not(None),
                ExamPlan.exam_ends_at <= ended_before,
                ExamPlan.exam_ends_at > ended_after,
            )
            .distinct()
        )
        return [(r, p) for r, p in (await self.session.execute(query)).tuples() if r is not None]

    async def closed_sessions(self, room_ids: set[UUID]) -> set[tuple[UUID, UUID]]:
        query = select(SessionClosure.room_id, SessionClosure.session_id).where(
            SessionClosure.room_id.in_(room_ids)
        )
        return {(r, s) for r, s in (await self.session.execute(query)).tuples()}
