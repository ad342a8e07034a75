"""Check-in (入场签到): the roster a device takes offline, the marks it syncs back, and the
close of a room's session that records its absentees (缺考) for scoring."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from exam_scheduling.checkin.models import SessionClosure
from exam_scheduling.checkin.repository import CheckInRepository
from exam_scheduling.checkin.rules import (
    MAX_CLOCK_AHEAD,
    Attendance,
    Mark,
    Outcome,
    attendance,
    may_close,
)
from exam_scheduling.checkin.schemas import (
    CheckInBatchIn,
    CheckInRecordOut,
    CheckInResultOut,
    CheckInSyncOut,
    RoomCountOut,
    RosterCandidateOut,
    RosterOut,
    SessionClosureOut,
)
from exam_scheduling.config import ExamSchedulingSettings
from exam_scheduling.invigilation.rules import Duty
from exam_scheduling.invigilation.schemas import ExamSessionOut
from exam_scheduling.invigilation.service import InvigilationService
from exam_scheduling.sites.models import Room
from exam_scheduling.tickets.repository import Seated
from exam_scheduling.tickets.rules import exam_address
from exam_scheduling.tickets.schemas import TicketKeySetOut
from exam_scheduling.tickets.service import ticket_signer
from skillcert.auth import Principal
from skillcert.clock import utcnow
from skillcert.db import advisory_lock
from skillcert.errors import Conflict, FieldError, Forbidden, InvalidInput
from skillcert.events import SessionAbsentee, SessionAbsenteesRecorded
from skillcert.outbox import record
from skillcert.pii import mask_id_number
from skillcert.storage import ObjectStore

#: The roster is fetched before the exam and used for its length: photo links outlive it.
PHOTO_LINK_TTL = timedelta(hours=4)


def _lock_name(room_id: UUID, session_id: UUID) -> str:
    # A sync and a close of the same room's session never interleave: each record is either
    # counted before the close or kept as late, never lost between the two.
    return f"exam-scheduling:checkin:{room_id}:{session_id}"


class CheckInService:
    def __init__(
        self, session: AsyncSession, settings: ExamSchedulingSettings, storage: ObjectStore
    ) -> None:
        self.session = session
        self.settings = settings
        self.storage = storage
        self.repo = CheckInRepository(session)
        self.duties = InvigilationService(session)

    async def roster(self, principal: Principal, room_id: UUID, session_id: UUID) -> RosterOut:
        duty = await self.duties.on_duty(principal, room_id, session_id)
        seated = await self.repo.roster(room_id, duty.session.plan_id)
        marked = attendance(await self.repo.marks(room_id, session_id))
        closure = await self.repo.closure(room_id, session_id)
        signer = await ticket_signer(self.session, self.settings)
        candidates = []
        for s in seated:
            photo = await self.repo.tickets.photo(s.allocation.application_id)
            url = (
                await self.storage.presign_download(photo.object_key, PHOTO_LINK_TTL)
                if photo is not None
                else None
            )
            mark = marked.get(s.allocation.application_id)
            candidates.append(
                RosterCandidateOut(
                    application_id=s.allocation.application_id,
                    ticket_number=s.allocation.ticket_number or "",
                    name=s.candidate.candidate_name,
                    id_number=mask_id_number(s.candidate.id_number) or "",
                    seat_number=s.allocation.seat_number or 0,
                    photo_url=url,
                    status=mark.status.value if mark else None,
                    marked_at=mark.at if mark else None,
                )
            )
        return RosterOut(
            room_id=duty.room.id,
            room_name=duty.room.name,
            site_name=duty.site.name,
            address=exam_address(duty.room.address, duty.site.address),
            session=duty.session,
            duties=sorted(d.value for d in duty.duties),
            closed_at=closure.closed_at if closure else None,
            keys=TicketKeySetOut.model_validate(signer.jwks()),
            candidates=candidates,
        )

    async def sync(
        self, principal: Principal, room_id: UUID, session_id: UUID, batch: CheckInBatchIn
    ) -> CheckInSyncOut:
        """Store a device's batch: idempotent on each record's id; a ticket not of this room
        and session is reported, not stored; after the close the records are kept as late."""
        duty = await self.duties.on_duty(principal, room_id, session_id)
        at = utcnow()
        ahead = [
            FieldError(
                field=f"records.{i}.marked_at", message="签到时间晚于当前时间，请校准设备时钟"
            )
            for i, r in enumerate(batch.records)
            if r.marked_at > at + MAX_CLOCK_AHEAD
        ]
        if ahead:
            raise InvalidInput("签到时间晚于当前时间", errors=ahead)
        await advisory_lock(self.session, _lock_name(room_id, session_id))
        seated = {
            s.allocation.ticket_number: s
            for s in await self.repo.roster(room_id, duty.session.plan_id)
        }
        late = await self.repo.closure(room_id, session_id) is not None
        results = []
        for r in batch.records:
            found = seated.get(r.ticket_number)
            if found is None:
                results.append(CheckInResultOut(id=r.id, outcome=Outcome.UNKNOWN_TICKET))
                continue
            inserted = await self.repo.insert(
                {
                    "id": r.id,
                    "room_id": room_id,
                    "session_id": session_id,
                    "plan_id": duty.session.plan_id,
                    "subject_code": duty.session.subject_code,
                    "application_id": found.allocation.application_id,
                    "ticket_number": r.ticket_number,
                    "status": r.status,
                    "marked_at": r.marked_at,
                    "received_at": at,
                    "account_id": principal.account_id,
                    "device_id": batch.device_id,
                    "late": late,
                }
            )
            outcome = (
                Outcome.DUPLICATE if not inserted else Outcome.LATE if late else Outcome.ACCEPTED
            )
            results.append(CheckInResultOut(id=r.id, outcome=outcome))
        marked = attendance(await self.repo.marks(room_id, session_id))
        present = sum(1 for a in marked.values() if a.status is Mark.PRESENT)
        return CheckInSyncOut(results=results, expected=len(seated), present=present)

    async def history(
        self, principal: Principal, room_id: UUID, session_id: UUID
    ) -> list[CheckInRecordOut]:
        await self.duties.on_duty(principal, room_id, session_id)
        return [
            CheckInRecordOut.from_model(r) for r in await self.repo.records(room_id, session_id)
        ]

    async def close(
        self, principal: Principal, room_id: UUID, session_id: UUID
    ) -> SessionClosureOut:
        """结束场次: the room's invigilator closes the session once it has started."""
        duty = await self.duties.on_duty(principal, room_id, session_id)
        if Duty.INVIGILATOR not in duty.duties:
            raise Forbidden("只有本考场的监考人员可以结束场次")
        at = utcnow()
        if not may_close(duty.session.starts_at, at):
            raise Conflict("考试尚未开始，不能结束场次")
        closure = await self.close_room_session(duty.room, duty.session, at, principal.account_id)
        if closure is None:
            raise Conflict("本场次已结束")
        return SessionClosureOut.from_model(closure)

    async def close_room_session(
        self, room: Room, session: ExamSessionOut, at: datetime, by: UUID | None
    ) -> SessionClosure | None:
        """Close the room's session and publish its absentees; None if it was closed already."""
        await advisory_lock(self.session, _lock_name(room.id, session.session_id))
        if await self.repo.closure(room.id, session.session_id) is not None:
            return None
        seated = await self.repo.roster(room.id, session.plan_id)
        marked = attendance(await self.repo.marks(room.id, session.session_id))
        absentees = [s for s in seated if not _present(marked, s)]
        closure = SessionClosure(
            room_id=room.id,
            session_id=session.session_id,
            plan_id=session.plan_id,
            subject_code=session.subject_code,
            closed_at=at,
            closed_by=by,
            expected=len(seated),
            present=len(seated) - len(absentees),
            absent=len(absentees),
        )
        self.repo.add(closure)
        await self.session.flush()
        await record(
            self.session,
            SessionAbsenteesRecorded(
                plan_id=session.plan_id,
                subject_code=session.subject_code,
                session_id=session.session_id,
                room_id=room.id,
                closed_at=at,
                absentees=[
                    SessionAbsentee(
                        application_id=s.allocation.application_id,
                        candidate_id=s.allocation.candidate_id,
                        ticket_number=s.allocation.ticket_number or "",
                    )
                    for s in absentees
                ],
            ),
        )
        return closure

    async def overview(self, principal: Principal) -> list[RoomCountOut]:
        """应考 / 实考 / 缺考 of every room and session the caller is on duty in."""
        out = []
        for d in await self.duties.my_duties(principal):
            seated = await self.repo.roster(d.room_id, d.session.plan_id)
            marked = attendance(await self.repo.marks(d.room_id, d.session.session_id))
            closure = await self.repo.closure(d.room_id, d.session.session_id)
            present = sum(1 for s in seated if _present(marked, s))
            out.append(
                RoomCountOut(
                    duty=d.duty,
                    room_id=d.room_id,
                    room_name=d.room_name,
                    site_name=d.site_name,
                    session=d.session,
                    expected=len(seated),
                    present=present,
                    absent=len(seated) - present if closure else _marked_absent(marked, seated),
                    closed_at=closure.closed_at if closure else None,
                )
            )
        return out


def _present(marked: dict[UUID, Attendance], s: Seated) -> bool:
    a = marked.get(s.allocation.application_id)
    return a is not None and a.status is Mark.PRESENT


def _marked_absent(marked: dict[UUID, Attendance], seated: list[Seated]) -> int:
    return sum(
        1
        for s in seated
        if (a := marked.get(s.allocation.application_id)) is not None and a.status is Mark.ABSENT
    )
