from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import and_, delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from exam_scheduling.invigilation.models import DutyAccount, DutyAssignment
from exam_scheduling.invigilation.rules import Duty
from exam_scheduling.plans.models import ExamPlan, PlanSite
from exam_scheduling.plans.repository import WITH_SUBJECTS
from exam_scheduling.sites.models import Room, Site
from skillcert.readmodel import upsert_newer


class InvigilationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, row: DutyAssignment) -> None:
        self.session.add(row)

    async def remember_account(self, values: dict[str, Any]) -> bool:
        return await upsert_newer(self.session, DutyAccount, values, version="registered_at")

    async def account(self, account_id: UUID) -> DutyAccount | None:
        return await self.session.get(DutyAccount, account_id)

    async def accounts_of(self, org_id: str, role: str) -> list[DutyAccount]:
        query = (
            select(DutyAccount)
            .where(DutyAccount.org_id == org_id, DutyAccount.role == role)
            .order_by(DutyAccount.name, DutyAccount.account_id)
        )
        return list((await self.session.execute(query)).scalars())

    async def plan(self, plan_id: UUID) -> ExamPlan | None:
        query = select(ExamPlan).options(WITH_SUBJECTS).where(ExamPlan.id == plan_id)
        return (await self.session.execute(query)).scalar_one_or_none()

    async def plans(self, plan_ids: set[UUID]) -> list[ExamPlan]:
        query = select(ExamPlan).options(WITH_SUBJECTS).where(ExamPlan.id.in_(plan_ids))
        return list((await self.session.execute(query)).scalars())

    async def room(self, room_id: UUID) -> tuple[Room, Site] | None:
        query = select(Room, Site).join(Site, Site.id == Room.site_id).where(Room.id == room_id)
        row = (await self.session.execute(query)).first()
        return (row[0], row[1]) if row else None

    async def site(self, site_id: UUID) -> Site | None:
        return await self.session.get(Site, site_id)

    async def rooms(self, room_ids: set[UUID]) -> list[Room]:
        query = select(Room).where(Room.id.in_(room_ids))
        return list((await self.session.execute(query)).scalars())

    async def rooms_for_plan(self, site_id: UUID, plan_id: UUID) -> list[Room]:
        """The site's rooms that serve the plan: its own, and those set up before rooms were
        per plan (which serve every plan of the site)."""
        query = (
            select(Room)
            .where(Room.site_id == site_id, or_(Room.plan_id == plan_id, Room.plan_id.is_(None)))
            .order_by(Room.number)
        )
        return list((await self.session.execute(query)).scalars())

    async def plan_ids_of_site(self, site_id: UUID) -> set[UUID]:
        query = select(PlanSite.plan_id).where(PlanSite.site_id == site_id)
        return set((await self.session.execute(query)).scalars())

    async def assignment(self, assignment_id: UUID) -> DutyAssignment | None:
        return await self.session.get(DutyAssignment, assignment_id)

    async def delete(self, assignment_id: UUID) -> None:
        await self.session.execute(delete(DutyAssignment).where(DutyAssignment.id == assignment_id))

    async def of_room(self, room_id: UUID) -> list[DutyAssignment]:
        query = (
            select(DutyAssignment)
            .where(DutyAssignment.room_id == room_id, DutyAssignment.duty == Duty.INVIGILATOR)
            .order_by(DutyAssignment.assigned_at, DutyAssignment.id)
        )
        return list((await self.session.execute(query)).scalars())

    async def inspectors_of_site(self, site_id: UUID) -> list[DutyAssignment]:
        query = (
            select(DutyAssignment)
            .where(DutyAssignment.site_id == site_id, DutyAssignment.duty == Duty.INSPECTOR)
            .order_by(DutyAssignment.assigned_at, DutyAssignment.id)
        )
        return list((await self.session.execute(query)).scalars())

    async def same(
        self, duty: Duty, session_id: UUID, site_id: UUID, room_id: UUID | None, account_id: UUID
    ) -> DutyAssignment | None:
        room = (
            DutyAssignment.room_id.is_(None)
            if room_id is None
            else DutyAssignment.room_id == room_id
        )
        query = select(DutyAssignment).where(
            DutyAssignment.duty == duty,
            DutyAssignment.session_id == session_id,
            DutyAssignment.site_id == site_id,
            DutyAssignment.account_id == account_id,
            room,
        )
        return (await self.session.execute(query)).scalars().first()

    async def count_in_room(self, room_id: UUID, session_id: UUID) -> int:
        query = select(DutyAssignment.id).where(
            DutyAssignment.room_id == room_id,
            DutyAssignment.session_id == session_id,
            DutyAssignment.duty == Duty.INVIGILATOR,
        )
        return len((await self.session.execute(query)).all())

    def _covering(self, room: Room, session_id: UUID) -> Any:
        """Assignments that put someone on duty in this room and session."""
        return and_(
            DutyAssignment.session_id == session_id,
            or_(
                DutyAssignment.room_id == room.id,
                and_(
                    DutyAssignment.duty == Duty.INSPECTOR,
                    DutyAssignment.site_id == room.site_id,
                    DutyAssignment.room_id.is_(None),
                ),
            ),
        )

    async def covering(
        self, room: Room, session_id: UUID, account_id: UUID
    ) -> list[DutyAssignment]:
        query = select(DutyAssignment).where(
            self._covering(room, session_id), DutyAssignment.account_id == account_id
        )
        return list((await self.session.execute(query)).scalars())

    async def of_account(self, account_id: UUID) -> list[DutyAssignment]:
        query = (
            select(DutyAssignment)
            .where(DutyAssignment.account_id == account_id)
            .order_by(DutyAssignment.assigned_at, DutyAssignment.id)
        )
        return list((await self.session.execute(query)).scalars())

    async def people_of_room(self, room: Room, plan_id: UUID) -> list[DutyAssignment]:
        """Everyone on duty in the room in any session of the plan: the sign-in sheet's names."""
        query = (
            select(DutyAssignment)
            .where(
                DutyAssignment.plan_id == plan_id,
                or_(
                    DutyAssignment.room_id == room.id,
                    and_(
                        DutyAssignment.duty == Duty.INSPECTOR,
                        DutyAssignment.site_id == room.site_id,
                        DutyAssignment.room_id.is_(None),
                    ),
                ),
            )
            .order_by(DutyAssignment.assigned_at, DutyAssignment.id)
        )
        return list((await self.session.execute(query)).scalars())
