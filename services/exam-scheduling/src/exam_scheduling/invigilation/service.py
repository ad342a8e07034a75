"""监考 and 巡考 assignments: who is on duty in which room and session, and the one check that
lets an account see a room's roster and sync its check-ins."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from exam_scheduling.invigilation.models import DutyAssignment
from exam_scheduling.invigilation.repository import InvigilationRepository
from exam_scheduling.invigilation.rules import (
    DUTY_ROLE,
    MAX_INVIGILATORS_PER_ROOM,
    Duty,
    account_problem,
    is_site_institution,
)
from exam_scheduling.invigilation.schemas import (
    DutyAccountOut,
    DutyAssignmentOut,
    DutyOut,
    ExamSessionOut,
    InspectorIn,
    InvigilatorIn,
    sessions_out,
)
from exam_scheduling.sites.models import Room, Site
from exam_scheduling.tickets.rules import exam_address
from skillcert.auth import Principal, Role
from skillcert.clock import utcnow
from skillcert.errors import Conflict, FieldError, Forbidden, InvalidInput, NotFound
from skillcert.events import AccountRegistered


@dataclass(frozen=True)
class OnDuty:
    """A room and session the caller may act in, with what the check-in needs of it."""

    room: Room
    site: Site
    session: ExamSessionOut
    duties: frozenset[Duty]


def _field(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, errors=[FieldError(field=field, message=message)])


class InvigilationService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repo = InvigilationRepository(session)

    async def remember_account(self, event: AccountRegistered) -> None:
        """Only duty accounts are kept: nothing else is ever assigned."""
        if event.role not in (Role.INVIGILATOR.value, Role.INSPECTOR.value) or not event.org_id:
            return
        await self.repo.remember_account(
            {
                "account_id": event.account_id,
                "role": event.role,
                "org_id": event.org_id,
                "name": event.name,
                "registered_at": event.occurred_at,
            }
        )

    # --- sessions ---------------------------------------------------------------------------

    async def _site_sessions(self, site: Site) -> list[ExamSessionOut]:
        """Sessions of every plan of the site's organisation the site takes part in."""
        plan_ids = await self.repo.plan_ids_of_site(site.id)
        plans = await self.repo.plans(plan_ids)
        plans.sort(key=lambda p: (p.exam_starts_at, p.serial))
        return [s for plan in plans if plan.org_id == site.org_id for s in sessions_out(plan)]

    async def site_sessions(self, principal: Principal, site_id: UUID) -> list[ExamSessionOut]:
        site = await self._visible_site(principal, site_id)
        return await self._site_sessions(site)

    async def _visible_site(self, principal: Principal, site_id: UUID) -> Site:
        site = await self.repo.site(site_id)
        if site is None:
            raise NotFound("考核站点不存在")
        if not (
            is_site_institution(principal, site.institution_id)
            or (principal.role is Role.ORG_ADMIN and principal.org_id == site.org_id)
        ):
            # Another owner's site is not found, as everywhere (docs/security.md, "Access rules").
            raise NotFound("考核站点不存在")
        return site

    async def _session_in(self, site: Site, room: Room | None, session_id: UUID) -> ExamSessionOut:
        """The session, if it is one the room (or the site) holds; else a field error."""
        for candidate in await self._site_sessions(site):
            if candidate.session_id != session_id:
                continue
            if room is None or room.plan_id in (None, candidate.plan_id):
                return candidate
        raise _field("session_id", "该场次不属于本考场（考点）的考试计划")

    async def _room(self, room_id: UUID) -> tuple[Room, Site]:
        found = await self.repo.room(room_id)
        if found is None:
            raise NotFound("考场不存在")
        return found

    async def _check_account(self, duty: Duty, account_id: UUID, org_id: str) -> str:
        account = await self.repo.account(account_id)
        why = account_problem(
            duty,
            account.role if account else None,
            account.org_id if account else None,
            org_id,
        )
        if why is not None or account is None:
            raise _field("account_id", why or "账号不存在")
        return account.name

    # --- invigilators (the institution) -----------------------------------------------------

    async def room_invigilators(
        self, principal: Principal, room_id: UUID
    ) -> list[DutyAssignmentOut]:
        room, site = await self._room(room_id)
        await self._visible_site(principal, site.id)
        return [DutyAssignmentOut.from_model(a) for a in await self.repo.of_room(room.id)]

    async def assign_invigilator(
        self, principal: Principal, room_id: UUID, data: InvigilatorIn
    ) -> DutyAssignmentOut:
        room, site = await self._room(room_id)
        if not is_site_institution(principal, site.institution_id):
            raise NotFound("考场不存在")
        session = await self._session_in(site, room, data.session_id)
        name = await self._check_account(Duty.INVIGILATOR, data.account_id, site.institution_id)
        if await self.repo.same(
            Duty.INVIGILATOR, session.session_id, site.id, room.id, data.account_id
        ):
            raise Conflict(
                "该监考人员已安排在本考场本场次",
                errors=[FieldError(field="account_id", message="已安排", code="taken")],
            )
        if await self.repo.count_in_room(room.id, session.session_id) >= MAX_INVIGILATORS_PER_ROOM:
            raise Conflict(f"每个考场每场次最多安排{MAX_INVIGILATORS_PER_ROOM}名监考人员")
        row = self._assignment(Duty.INVIGILATOR, principal, name, data.account_id, session, site)
        row.room_id = room.id
        self.repo.add(row)
        await self.session.flush()
        return DutyAssignmentOut.from_model(row)

    def _assignment(
        self,
        duty: Duty,
        principal: Principal,
        name: str,
        account_id: UUID,
        session: ExamSessionOut,
        site: Site,
    ) -> DutyAssignment:
        return DutyAssignment(
            duty=duty,
            account_id=account_id,
            name=name,
            plan_id=session.plan_id,
            subject_code=session.subject_code,
            session_id=session.session_id,
            site_id=site.id,
            room_id=None,
            assigned_by=principal.account_id,
            assigned_at=utcnow(),
        )

    async def unassign_invigilator(
        self, principal: Principal, room_id: UUID, assignment_id: UUID
    ) -> None:
        room, site = await self._room(room_id)
        if not is_site_institution(principal, site.institution_id):
            raise NotFound("考场不存在")
        row = await self.repo.assignment(assignment_id)
        if row is None or row.room_id != room.id or row.duty != Duty.INVIGILATOR:
            raise NotFound("监考安排不存在")
        await self.repo.delete(row.id)

    # --- inspectors (the organisation) ------------------------------------------------------

    async def site_inspectors(self, principal: Principal, site_id: UUID) -> list[DutyAssignmentOut]:
        site = await self._visible_site(principal, site_id)
        return [
            DutyAssignmentOut.from_model(a) for a in await self.repo.inspectors_of_site(site.id)
        ]

    async def assign_inspector(
        self, principal: Principal, site_id: UUID, data: InspectorIn
    ) -> list[DutyAssignmentOut]:
        site = await self.repo.site(site_id)
        if site is None:
            raise NotFound("考核站点不存在")
        if principal.role is not Role.ORG_ADMIN:
            raise Forbidden("只有考核站点所属培训评价组织可以安排巡考")
        if principal.org_id != site.org_id:
            raise NotFound("考核站点不存在")
        session = await self._session_in(site, None, data.session_id)
        name = await self._check_account(Duty.INSPECTOR, data.account_id, site.org_id)
        rooms: list[Room | None] = []
        if data.room_ids:
            serving = {r.id: r for r in await self.repo.rooms_for_plan(site.id, session.plan_id)}
            for i, wanted in enumerate(dict.fromkeys(data.room_ids)):
                if wanted not in serving:
                    raise _field(f"room_ids.{i}", "考场不属于本考点或不承担该场次")
                rooms.append(serving[wanted])
        else:
            rooms.append(None)
        made = []
        for room in rooms:
            room_id = room.id if room else None
            if await self.repo.same(
                Duty.INSPECTOR, session.session_id, site.id, room_id, data.account_id
            ):
                continue  # already on duty there: asking again changes nothing
            row = self._assignment(Duty.INSPECTOR, principal, name, data.account_id, session, site)
            row.room_id = room_id
            self.repo.add(row)
            made.append(row)
        await self.session.flush()
        return [DutyAssignmentOut.from_model(a) for a in made]

    async def unassign_inspector(
        self, principal: Principal, site_id: UUID, assignment_id: UUID
    ) -> None:
        site = await self.repo.site(site_id)
        if site is None:
            raise NotFound("考核站点不存在")
        if principal.role is not Role.ORG_ADMIN:
            raise Forbidden("只有考核站点所属培训评价组织可以安排巡考")
        if principal.org_id != site.org_id:
            raise NotFound("考核站点不存在")
        row = await self.repo.assignment(assignment_id)
        if row is None or row.site_id != site.id or row.duty != Duty.INSPECTOR:
            raise NotFound("巡考安排不存在")
        await self.repo.delete(row.id)

    async def assignable(self, principal: Principal, duty: Duty) -> list[DutyAccountOut]:
        """The caller's own invigilator (institution) or inspector (organisation) accounts."""
        if principal.org_id is None:
            raise Forbidden("账号未关联机构")
        rows = await self.repo.accounts_of(principal.org_id, DUTY_ROLE[duty].value)
        return [DutyAccountOut.model_validate(r) for r in rows]

    # --- the people on duty -----------------------------------------------------------------

    async def my_duties(self, principal: Principal) -> list[DutyOut]:
        """Every room and session the caller is on duty in; a site-wide inspector's are the
        site's rooms that serve the plan."""
        out: list[DutyOut] = []
        seen: set[tuple[UUID, UUID]] = set()
        for row in await self.repo.of_account(principal.account_id):
            if not _acts_as(principal, row.duty):
                continue
            site = await self.repo.site(row.site_id)
            plan = await self.repo.plan(row.plan_id)
            if site is None or plan is None or not _org_matches(principal, row.duty, site):
                continue
            session = next((s for s in sessions_out(plan) if s.session_id == row.session_id), None)
            if session is None:  # the subject left the plan
                continue
            if row.room_id is not None:
                rooms = await self.repo.rooms({row.room_id})
            else:
                rooms = await self.repo.rooms_for_plan(site.id, plan.id)
            for room in rooms:
                if (room.id, session.session_id) in seen:
                    continue
                seen.add((room.id, session.session_id))
                out.append(
                    DutyOut(
                        duty=row.duty,
                        session=session,
                        site_id=site.id,
                        site_name=site.name,
                        room_id=room.id,
                        room_name=room.name,
                        room_address=exam_address(room.address, site.address),
                    )
                )
        out.sort(key=lambda d: (d.session.starts_at, d.session.subject_code, d.room_name))
        return out

    async def on_duty(self, principal: Principal, room_id: UUID, session_id: UUID) -> OnDuty:
        """The one check before a roster is read or a check-in synced: the caller is the
        invigilator of this room in this session, or an inspector over it. Anyone else gets
        "not found", so room ids cannot be probed."""
        found = await self.repo.room(room_id)
        if found is None or principal.role not in (Role.INVIGILATOR, Role.INSPECTOR):
            raise NotFound("考场或场次不存在")
        room, site = found
        duties = frozenset(
            Duty(a.duty)
            for a in await self.repo.covering(room, session_id, principal.account_id)
            if _acts_as(principal, a.duty) and _org_matches(principal, a.duty, site)
        )
        if not duties:
            raise NotFound("考场或场次不存在")
        plan_ids = {room.plan_id} if room.plan_id else None
        session = None
        for candidate in await self._site_sessions(site):
            if candidate.session_id == session_id and (
                plan_ids is None or candidate.plan_id in plan_ids
            ):
                session = candidate
        if session is None:
            raise NotFound("考场或场次不存在")
        return OnDuty(room=room, site=site, session=session, duties=duties)

    async def people(self, room: Room, plan_id: UUID) -> tuple[list[str], list[str]]:
        """Names of the room's invigilators and inspectors in the plan, for its sign-in sheet."""
        invigilators: list[str] = []
        inspectors: list[str] = []
        for a in await self.repo.people_of_room(room, plan_id):
            names = invigilators if a.duty == Duty.INVIGILATOR else inspectors
            if a.name not in names:
                names.append(a.name)
        return invigilators, inspectors


def _acts_as(principal: Principal, duty: str) -> bool:
    return principal.role is DUTY_ROLE[Duty(duty)]


def _org_matches(principal: Principal, duty: str, site: Site) -> bool:
    """An invigilator belongs to the site's institution, an inspector to its organisation: an
    assignment naming anyone else's account grants nothing."""
    expected = site.institution_id if duty == Duty.INVIGILATOR else site.org_id
    return principal.org_id == expected
