"""Room printouts for the institution that runs the site."""

from __future__ import annotations

import asyncio
import io
import zipfile
from collections.abc import Callable, Sequence
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from exam_scheduling.config import ExamSchedulingSettings
from exam_scheduling.invigilation.service import InvigilationService
from exam_scheduling.printouts.document import (
    Examinee,
    RoomExam,
    render_desk_labels,
    render_door_label,
    render_sign_in_sheet,
)
from exam_scheduling.printouts.rules import file_name
from exam_scheduling.sites.models import Room, Site
from exam_scheduling.tickets.repository import Seated, TicketRepository
from exam_scheduling.tickets.service import TicketService, require_institution, room_address
from skillcert.auth import Principal
from skillcert.errors import NotFound
from skillcert.pii import mask_id_number
from skillcert.storage import ObjectStore

Renderer = Callable[[Sequence[RoomExam], str], bytes]

KINDS: dict[str, tuple[str, Renderer]] = {
    "sign-in-sheet": ("签到表", render_sign_in_sheet),
    "desk-labels": ("桌贴", render_desk_labels),
    "door-label": ("门贴", render_door_label),
}


class PrintoutService:
    def __init__(
        self, session: AsyncSession, settings: ExamSchedulingSettings, storage: ObjectStore
    ) -> None:
        self.repo = TicketRepository(session)
        self.invigilation = InvigilationService(session)
        self.tickets = TicketService(session, settings, storage)

    async def room_pdf(
        self, principal: Principal, room_id: UUID, plan_id: UUID | None, kind: str
    ) -> tuple[bytes, Room]:
        found = await self.repo.room(room_id)
        if found is None:
            raise NotFound("考场不存在")
        room, site = found
        require_institution(principal, site.institution_id, "考场打印件")
        label, render = KINDS[kind]
        exams = await self._exams(await self.repo.in_room(room_id, plan_id))
        content = await asyncio.to_thread(render, exams, f"{label} {site.name} {room.name}")
        return content, room

    async def site_zip(self, principal: Principal, site_id: UUID, plan_id: UUID | None) -> Site:
        site = await self.repo.site(site_id)
        if site is None:
            raise NotFound("考点不存在")
        require_institution(principal, site.institution_id, "考场打印件")
        return site

    async def site_archive(self, site: Site, plan_id: UUID | None) -> bytes:
        """Every room's sign-in sheet, desk labels and door label, room by room."""
        seated = await self.repo.at_site(site.id, plan_id)
        files: list[tuple[str, Sequence[RoomExam], Renderer, str]] = []
        for room in await self.repo.rooms_of(site.id):
            exams = await self._exams([s for s in seated if s.room.id == room.id])
            if not exams:
                continue
            for label, render in KINDS.values():
                name = file_name(room.number, room.name, label)
                files.append((name, exams, render, f"{label} {site.name} {room.name}"))

        def build() -> bytes:
            out = io.BytesIO()
            with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
                for name, exams, render, title in files:
                    archive.writestr(name, render(exams, title))
            return out.getvalue()

        return await asyncio.to_thread(build)

    async def _exams(self, seated: Sequence[Seated]) -> list[RoomExam]:
        by_plan: dict[UUID, list[Seated]] = {}
        for s in seated:
            by_plan.setdefault(s.plan.id, []).append(s)
        exams = []
        for group in by_plan.values():
            first = group[0]
            invigilators, inspectors = await self.invigilation.people(first.room, first.plan.id)
            examinees = [
                Examinee(
                    seat_number=s.allocation.seat_number or 0,
                    name=s.candidate.candidate_name,
                    id_number=mask_id_number(s.candidate.id_number) or "",
                    ticket_number=s.allocation.ticket_number or "",
                    institution_name=s.site.institution_name,
                    photo=await self.tickets.photo(s.allocation.application_id),
                )
                for s in sorted(group, key=lambda s: s.allocation.seat_number or 0)
            ]
            exams.append(
                RoomExam(
                    plan_title=first.plan.title,
                    occupation_name=first.plan.occupation_name,
                    level_name=first.plan.level_name,
                    starts_at=first.plan.exam_starts_at,
                    ends_at=first.plan.exam_ends_at,
                    site_name=first.site.name,
                    address=room_address(first),
                    room_name=first.room.name,
                    examinees=examinees,
                    invigilators=invigilators,
                    inspectors=inspectors,
                )
            )
        return exams
