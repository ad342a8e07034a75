"""The arrangement views: 考点编排 (sites), 考场编排 (rooms) and 排考明细 (seated candidates)
of the caller's scope, with counts, and the details as an Excel workbook."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from exam_scheduling.arrangements.repository import ArrangementRepository, DetailLine
from exam_scheduling.arrangements.rules import (
    DETAIL_HEADER,
    DETAIL_TEXT_COLUMNS,
    ROOM_TYPE_NAMES,
    Scope,
    scope_of,
)
from exam_scheduling.arrangements.schemas import (
    ArrangementCountsOut,
    ArrangementDetailOut,
    ArrangementsOut,
    RoomArrangementOut,
    SiteArrangementOut,
)
from exam_scheduling.plans.repository import PlanRepository
from exam_scheduling.tickets.rules import exam_address
from skillcert.auth import Principal
from skillcert.clock import in_china
from skillcert.errors import NotFound
from skillcert.pii import mask_id_number
from skillcert.spreadsheets import xlsx_template


class ArrangementService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repo = ArrangementRepository(session)

    async def overview(self, principal: Principal, plan_id: UUID | None) -> ArrangementsOut:
        scope = await self._scope(principal, plan_id)
        rooms = await self.repo.rooms(scope, plan_id)
        sites: dict[tuple[UUID, UUID], SiteArrangementOut] = {}
        for plan, site in await self.repo.sites_without_rooms(scope, plan_id):
            sites[(plan.id, site.id)] = SiteArrangementOut(
                plan_id=plan.id,
                plan_number=plan.number,
                plan_title=plan.title,
                exam_starts_at=plan.exam_starts_at,
                site_id=site.id,
                site_name=site.name,
                institution_name=site.institution_name,
                rooms=0,
                seats=0,
                seated=0,
            )
        for line in rooms:
            totals = sites[(line.plan.id, line.site.id)]
            totals.rooms += 1
            totals.seats += line.room.capacity
            totals.seated += line.seated
        seats = sum(s.seats for s in sites.values())
        seated = sum(s.seated for s in sites.values())
        return ArrangementsOut(
            counts=ArrangementCountsOut(
                sites=len({site_id for _, site_id in sites}),
                rooms=len(rooms),
                seats=seats,
                seated=seated,
                free=max(seats - seated, 0),
            ),
            sites=list(sites.values()),
            rooms=[
                RoomArrangementOut(
                    plan_id=line.plan.id,
                    plan_number=line.plan.number,
                    site_id=line.site.id,
                    site_name=line.site.name,
                    room_id=line.room.id,
                    room_number=line.room.number,
                    room_name=line.room.name,
                    room_type=line.room.room_type,
                    address=exam_address(line.room.address, line.site.address),
                    capacity=line.room.capacity,
                    seated=line.seated,
                )
                for line in rooms
            ],
        )

    async def details(
        self, principal: Principal, plan_id: UUID | None
    ) -> list[ArrangementDetailOut]:
        scope = await self._scope(principal, plan_id)
        return [_detail(line) for line in await self.repo.details(scope, plan_id)]

    async def details_xlsx(self, principal: Principal, plan_id: UUID | None) -> bytes:
        rows = [
            (
                d.plan_number,
                d.plan_title,
                in_china(d.exam_starts_at).strftime("%Y-%m-%d %H:%M"),
                d.site_name,
                d.room_name,
                ROOM_TYPE_NAMES.get(d.room_type, d.room_type),
                str(d.seat_number),
                d.ticket_number,
                d.candidate_name,
                d.id_number,
            )
            for d in await self.details(principal, plan_id)
        ]
        return xlsx_template("排考明细", DETAIL_HEADER, DETAIL_TEXT_COLUMNS, rows=rows)

    async def _scope(self, principal: Principal, plan_id: UUID | None) -> Scope:
        """The caller's scope; a plan outside it is as if it did not exist (404)."""
        scope = scope_of(principal)
        if plan_id is None:
            return scope
        if scope.org_id is not None:
            plan = await PlanRepository(self.session).get(plan_id)
            if plan is None or plan.org_id != scope.org_id:
                raise NotFound("考试计划不存在")
        elif not await self.repo.plan_in_scope(scope, plan_id):
            raise NotFound("考试计划不存在")
        return scope


def _detail(line: DetailLine) -> ArrangementDetailOut:
    assert line.allocation.seat_number is not None and line.allocation.ticket_number is not None
    return ArrangementDetailOut(
        plan_id=line.plan.id,
        plan_number=line.plan.number,
        plan_title=line.plan.title,
        exam_starts_at=line.plan.exam_starts_at,
        site_name=line.site.name,
        room_id=line.room.id,
        room_name=line.room.name,
        room_type=line.room.room_type,
        seat_number=line.allocation.seat_number,
        ticket_number=line.allocation.ticket_number,
        candidate_name=line.candidate.candidate_name,
        # Lists and exports never carry a full ID number.
        id_number=mask_id_number(line.candidate.id_number) or "",
    )
