from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from exam_scheduling.allocations.models import SeatAllocation
from exam_scheduling.plans.models import ExamPlan, PlanSite
from exam_scheduling.sites.models import Room, Site, SiteAttachment, SiteBorrowing
from exam_scheduling.sites.rules import SiteStatus


class SiteRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, row: Site | Room | SiteBorrowing | SiteAttachment) -> None:
        self.session.add(row)

    async def get(self, site_id: UUID, *, lock: bool = False) -> Site | None:
        query = select(Site).where(Site.id == site_id)
        if lock:
            # Serialises room numbering and decisions within one site.
            query = query.with_for_update()
        return (await self.session.execute(query)).scalar_one_or_none()

    async def approved_for(self, org_id: str, site_ids: Sequence[UUID]) -> dict[UUID, Site]:
        """The sites among `site_ids` approved to host `org_id`'s exams."""
        query = select(Site).where(
            Site.id.in_(site_ids), Site.org_id == org_id, Site.status == SiteStatus.APPROVED
        )
        return {s.id: s for s in (await self.session.execute(query)).scalars()}

    async def visible(
        self, *, institution_id: str | None = None, org_id: str | None = None
    ) -> list[Site]:
        """An institution's own sites, or the applications addressed to an organisation."""
        query = select(Site).order_by(Site.created_at, Site.id)
        if institution_id is not None:
            query = query.where(Site.institution_id == institution_id)
        if org_id is not None:
            query = query.where(Site.org_id == org_id)
        return list((await self.session.execute(query)).scalars())

    async def rooms(self, site_id: UUID, plan_id: UUID | None) -> list[Room]:
        query = select(Room).where(Room.site_id == site_id).order_by(Room.number)
        if plan_id is None:
            query = query.where(Room.plan_id.is_(None))
        else:
            query = query.where(Room.plan_id == plan_id)
        return list((await self.session.execute(query)).scalars())

    async def all_rooms(self, site_id: UUID) -> list[Room]:
        query = select(Room).where(Room.site_id == site_id).order_by(Room.number)
        return list((await self.session.execute(query)).scalars())

    async def room(self, site_id: UUID, room_id: UUID) -> Room | None:
        query = select(Room).where(Room.site_id == site_id, Room.id == room_id)
        return (await self.session.execute(query)).scalar_one_or_none()

    async def room_named(self, site_id: UUID, plan_id: UUID | None, name: str) -> Room | None:
        query = select(Room).where(
            Room.site_id == site_id, Room.plan_id == plan_id, Room.name == name
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def last_room_number(self, site_id: UUID, plan_id: UUID) -> int:
        """The highest number among the plan's rooms and the standing ones (which serve every
        plan): room numbers are in ticket numbers, so they never repeat within one exam."""
        query = select(func.coalesce(func.max(Room.number), 0)).where(
            Room.site_id == site_id, (Room.plan_id == plan_id) | Room.plan_id.is_(None)
        )
        return int((await self.session.execute(query)).scalar_one())

    async def plans_served(self, site_id: UUID) -> list[ExamPlan]:
        """The plans the site is attached to, newest exam first."""
        query = (
            select(ExamPlan)
            .join(PlanSite, PlanSite.plan_id == ExamPlan.id)
            .where(PlanSite.site_id == site_id)
            .order_by(ExamPlan.exam_starts_at.desc(), ExamPlan.id)
        )
        return list((await self.session.execute(query)).scalars())

    async def serves(self, site_id: UUID, plan_id: UUID) -> ExamPlan | None:
        query = (
            select(ExamPlan)
            .join(PlanSite, PlanSite.plan_id == ExamPlan.id)
            .where(PlanSite.site_id == site_id, PlanSite.plan_id == plan_id)
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def previous_plan_with_rooms(self, site_id: UUID, before: ExamPlan) -> UUID | None:
        """The latest plan before `before` (by exam start) the site had rooms for."""
        query = (
            select(ExamPlan.id)
            .join(Room, Room.plan_id == ExamPlan.id)
            .where(
                Room.site_id == site_id,
                ExamPlan.id != before.id,
                ExamPlan.exam_starts_at <= before.exam_starts_at,
            )
            .order_by(ExamPlan.exam_starts_at.desc(), ExamPlan.id)
            .limit(1)
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def borrowing(self, borrowing_id: UUID, *, lock: bool = False) -> SiteBorrowing | None:
        query = select(SiteBorrowing).where(SiteBorrowing.id == borrowing_id)
        if lock:
            query = query.with_for_update()
        return (await self.session.execute(query)).scalar_one_or_none()

    async def borrowings(
        self, *, institution_id: str | None = None, org_id: str | None = None
    ) -> list[tuple[SiteBorrowing, str | None]]:
        query = (
            select(SiteBorrowing, Site.name)
            .outerjoin(Site, Site.id == SiteBorrowing.site_id)
            .order_by(SiteBorrowing.created_at.desc(), SiteBorrowing.id)
        )
        if institution_id is not None:
            query = query.where(SiteBorrowing.institution_id == institution_id)
        if org_id is not None:
            query = query.where(SiteBorrowing.org_id == org_id)
        return [(b, name) for b, name in (await self.session.execute(query)).tuples()]

    async def seats_taken(self, room_id: UUID) -> tuple[int, int]:
        """How many candidates hold a seat of the room, and the highest seat number held."""
        query = select(
            func.count(SeatAllocation.id), func.coalesce(func.max(SeatAllocation.seat_number), 0)
        ).where(SeatAllocation.room_id == room_id, SeatAllocation.seat_number.is_not(None))
        taken, highest = (await self.session.execute(query)).one()
        return int(taken), int(highest)

    async def room_in_use(self, room_id: UUID) -> bool:
        query = select(SeatAllocation.id).where(SeatAllocation.room_id == room_id).limit(1)
        return (await self.session.execute(query)).first() is not None

    async def attachments(self, site_id: UUID) -> list[SiteAttachment]:
        query = (
            select(SiteAttachment)
            .where(SiteAttachment.site_id == site_id)
            .order_by(SiteAttachment.created_at, SiteAttachment.id)
        )
        return list((await self.session.execute(query)).scalars())

    async def attachment(self, site_id: UUID, attachment_id: UUID) -> SiteAttachment | None:
        query = select(SiteAttachment).where(
            SiteAttachment.site_id == site_id, SiteAttachment.id == attachment_id
        )
        return (await self.session.execute(query)).scalar_one_or_none()
