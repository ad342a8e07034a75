"""Check-in: the roster and keys a device takes offline, marks synced idempotently and merged
by the documented rule with every record kept, and the close that records the absentees (缺考)
as an event. Only the room's invigilator (or an inspector over it) reads or syncs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

from exam_scheduling.checkin.jobs import close_ended_sessions
from exam_scheduling.checkin.models import CheckInRecord, SessionClosure
from exam_scheduling.checkin.rules import AUTO_CLOSE_AFTER, Mark, MarkFact, attendance
from exam_scheduling.invigilation.rules import session_id_of
from skillcert.auth import Role
from skillcert.events import SessionAbsenteesRecorded
from skillcert.testing import ServiceHarness, assert_problem

from ..duty import (
    Exam,
    as_inspector,
    as_invigilator,
    assign_inspector,
    assign_invigilator,
    duty_account,
    exam,
    mark,
)
from ..factories import API, INST, ORG, count


async def on_duty(harness: ServiceHarness, seated: int = 3):
    e = await exam(harness, seated=seated)
    wang = await duty_account(harness, Role.INVIGILATOR, INST)
    await assign_invigilator(harness, e, wang)
    return e, wang


def url(e: Exam, what: str, session_id: str | None = None) -> str:
    return f"{API}/rooms/{e.room['id']}/sessions/{session_id or e.session_id}/{what}"


async def sync(harness, e, headers, *records, device="dev-1"):
    return await harness.client.post(
        url(e, "check-ins"), json={"device_id": device, "records": list(records)}, headers=headers
    )


class TestRoster:
    async def test_the_invigilator_downloads_the_roster_and_the_ticket_keys(
        self, harness: ServiceHarness
    ):
        e, wang = await on_duty(harness)
        response = await harness.client.get(url(e, "roster"), headers=as_invigilator(harness, wang))
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["duties"] == ["invigilator"] and body["closed_at"] is None
        assert sorted(c["ticket_number"] for c in body["candidates"]) == sorted(
            t["ticket_number"] for t in e.tickets
        )
        first = body["candidates"][0]
        assert "*" in first["id_number"] and first["status"] is None
        keys = (await harness.client.get(f"{API}/ticket-keys")).json()
        assert body["keys"] == keys

    async def test_nobody_else_reads_it(self, harness: ServiceHarness):
        e, wang = await on_duty(harness)
        other_room_invigilator = await duty_account(harness, Role.INVIGILATOR, INST, "李监考")
        other_inst = await duty_account(harness, Role.INVIGILATOR, "INST-OTHER", "外校")
        for headers in (
            as_invigilator(harness, other_room_invigilator),
            # the assigned account's id in another institution's token grants nothing
            as_invigilator(harness, wang, "INST-OTHER"),
            as_invigilator(harness, other_inst, "INST-OTHER"),
            as_inspector(harness, uuid4()),
        ):
            response = await harness.client.get(url(e, "roster"), headers=headers)
            assert_problem(response, 404, slug="not-found")
        # the right person, another session they are not assigned to
        other_session = str(e.sessions[1]["session_id"])
        response = await harness.client.get(
            url(e, "roster", other_session), headers=as_invigilator(harness, wang)
        )
        assert_problem(response, 404, slug="not-found")
        for role, org in ((Role.INSTITUTION_ADMIN, INST), (Role.CANDIDATE, None)):
            response = await harness.client.get(
                url(e, "roster"), headers=harness.headers(role, org_id=org)
            )
            assert_problem(response, 403, slug="forbidden")


class TestSync:
    async def test_a_batch_synced_twice_is_stored_once(self, harness: ServiceHarness):
        e, wang = await on_duty(harness)
        records = [mark(e.tickets[0]["ticket_number"]), mark(e.tickets[1]["ticket_number"])]
        first = await sync(harness, e, as_invigilator(harness, wang), *records)
        assert first.status_code == 200, first.text
        assert [r["outcome"] for r in first.json()["results"]] == ["accepted", "accepted"]
        assert (first.json()["expected"], first.json()["present"]) == (3, 2)
        again = await sync(harness, e, as_invigilator(harness, wang), *records)
        assert [r["outcome"] for r in again.json()["results"]] == ["duplicate", "duplicate"]
        assert await count(harness, CheckInRecord) == 2

    async def test_two_devices_checking_one_candidate_in_merge_at_the_earliest_time(
        self, harness: ServiceHarness
    ):
        e, wang = await on_duty(harness)
        zhao = await duty_account(harness, Role.INSPECTOR, ORG, "赵巡考")
        await assign_inspector(harness, e, zhao)
        ticket = e.tickets[0]["ticket_number"]
        early = datetime.now(UTC) - timedelta(minutes=20)
        late = datetime.now(UTC) - timedelta(minutes=5)
        await sync(harness, e, as_invigilator(harness, wang), mark(ticket, at=late))
        response = await sync(
            harness, e, as_inspector(harness, zhao), mark(ticket, at=early), device="dev-2"
        )
        assert response.json()["present"] == 1
        roster = (
            await harness.client.get(url(e, "roster"), headers=as_invigilator(harness, wang))
        ).json()
        [candidate] = [c for c in roster["candidates"] if c["ticket_number"] == ticket]
        assert candidate["status"] == "present"
        assert abs(datetime.fromisoformat(candidate["marked_at"]) - early) < timedelta(seconds=1)

    async def test_present_on_one_device_wins_over_absent_on_another_and_both_are_kept(
        self, harness: ServiceHarness
    ):
        e, wang = await on_duty(harness)
        ticket = e.tickets[0]["ticket_number"]
        now = datetime.now(UTC)
        # the absent mark is later and arrives later: it still does not undo the check-in
        await sync(
            harness, e, as_invigilator(harness, wang), mark(ticket, at=now - timedelta(minutes=9))
        )
        await sync(
            harness,
            e,
            as_invigilator(harness, wang),
            mark(ticket, "absent", at=now - timedelta(minutes=1)),
            device="dev-2",
        )
        roster = (
            await harness.client.get(url(e, "roster"), headers=as_invigilator(harness, wang))
        ).json()
        [candidate] = [c for c in roster["candidates"] if c["ticket_number"] == ticket]
        assert candidate["status"] == "present"
        history = await harness.client.get(
            url(e, "check-ins"), headers=as_invigilator(harness, wang)
        )
        assert [(r["status"], r["device_id"]) for r in history.json()] == [
            ("present", "dev-1"),
            ("absent", "dev-2"),
        ]

    async def test_a_ticket_not_of_this_room_is_reported_not_stored(self, harness: ServiceHarness):
        e, wang = await on_duty(harness)
        response = await sync(harness, e, as_invigilator(harness, wang), mark("1" * 18))
        assert [r["outcome"] for r in response.json()["results"]] == ["unknown_ticket"]
        assert await count(harness, CheckInRecord) == 0

    async def test_bad_records_are_field_errors_and_nothing_is_written(
        self, harness: ServiceHarness
    ):
        e, wang = await on_duty(harness)
        ticket = e.tickets[0]["ticket_number"]
        future = datetime.now(UTC) + timedelta(hours=2)
        response = await sync(
            harness, e, as_invigilator(harness, wang), mark(ticket), mark(ticket, at=future)
        )
        assert_problem(response, 422, "records.1.marked_at")
        response = await sync(
            harness, e, as_invigilator(harness, wang), mark(ticket) | {"status": "late"}
        )
        assert_problem(response, 422, "records.0.status")
        naive = mark(ticket) | {"marked_at": "2026-05-16T09:00:00"}
        response = await sync(harness, e, as_invigilator(harness, wang), naive)
        assert_problem(response, 422, "records.0.marked_at")
        assert await count(harness, CheckInRecord) == 0

    async def test_only_the_rooms_invigilator_or_inspector_syncs(self, harness: ServiceHarness):
        e, wang = await on_duty(harness)
        record = mark(e.tickets[0]["ticket_number"])
        li = await duty_account(harness, Role.INVIGILATOR, INST, "李监考")
        foreign = await duty_account(harness, Role.INSPECTOR, "ORG-OTHER")
        for headers in (
            as_invigilator(harness, li),
            as_invigilator(harness, wang, "INST-OTHER"),
            as_inspector(harness, foreign, "ORG-OTHER"),
        ):
            response = await sync(harness, e, headers, record)
            assert_problem(response, 404, slug="not-found")
        for role, org in (
            (Role.CANDIDATE, None),
            (Role.INSTITUTION_ADMIN, INST),
            (Role.ORG_ADMIN, ORG),
        ):
            response = await sync(harness, e, harness.headers(role, org_id=org), record)
            assert_problem(response, 403, slug="forbidden")
        assert await count(harness, CheckInRecord) == 0


class TestClose:
    async def test_closing_records_the_absentees_as_an_event_once(self, harness: ServiceHarness):
        e, wang = await on_duty(harness)
        present = e.tickets[0]["ticket_number"]
        await sync(harness, e, as_invigilator(harness, wang), mark(present))
        response = await harness.client.post(url(e, "close"), headers=as_invigilator(harness, wang))
        assert response.status_code == 200, response.text
        assert (
            response.json()["expected"],
            response.json()["present"],
            response.json()["absent"],
        ) == (3, 1, 2)
        [event] = await harness.outbox("exam.session.absentees_recorded.v1")
        assert isinstance(event, SessionAbsenteesRecorded)
        assert (str(event.session_id), event.subject_code, str(event.room_id)) == (
            e.session_id,
            "T1",
            e.room["id"],
        )
        assert sorted(a.ticket_number for a in event.absentees) == sorted(
            t["ticket_number"] for t in e.tickets[1:]
        )
        again = await harness.client.post(url(e, "close"), headers=as_invigilator(harness, wang))
        assert_problem(again, 409, slug="conflict", detail="本场次已结束")
        assert len(await harness.outbox("exam.session.absentees_recorded.v1")) == 1

    async def test_a_mark_synced_after_the_close_is_kept_as_late(self, harness: ServiceHarness):
        e, wang = await on_duty(harness)
        await harness.client.post(url(e, "close"), headers=as_invigilator(harness, wang))
        response = await sync(
            harness, e, as_invigilator(harness, wang), mark(e.tickets[0]["ticket_number"])
        )
        assert [r["outcome"] for r in response.json()["results"]] == ["late"]
        assert await count(harness, CheckInRecord) == 1

    async def test_an_inspector_or_another_invigilator_does_not_close(
        self, harness: ServiceHarness
    ):
        e, _wang = await on_duty(harness)
        zhao = await duty_account(harness, Role.INSPECTOR, ORG)
        await assign_inspector(harness, e, zhao)
        response = await harness.client.post(url(e, "close"), headers=as_inspector(harness, zhao))
        assert_problem(response, 403, slug="forbidden")
        li = await duty_account(harness, Role.INVIGILATOR, INST)
        response = await harness.client.post(url(e, "close"), headers=as_invigilator(harness, li))
        assert_problem(response, 404, slug="not-found")
        assert await count(harness, SessionClosure) == 0

    async def test_the_job_closes_every_ended_session_and_a_second_pass_does_nothing(
        self, harness: ServiceHarness
    ):
        e, wang = await on_duty(harness)
        await harness.client.post(url(e, "close"), headers=as_invigilator(harness, wang))
        ends = datetime.fromisoformat(e.plan["exam_ends_at"])
        assert (
            await close_ended_sessions(harness.ctx, ends + AUTO_CLOSE_AFTER - timedelta(minutes=1))
            == 0
        )
        # the invigilator closed T1; the job closes P1
        assert await close_ended_sessions(harness.ctx, ends + AUTO_CLOSE_AFTER) == 1
        assert await close_ended_sessions(harness.ctx, ends + AUTO_CLOSE_AFTER) == 0
        events = await harness.outbox("exam.session.absentees_recorded.v1")
        assert all(isinstance(ev, SessionAbsenteesRecorded) for ev in events)
        assert {(ev.subject_code, ev.session_id) for ev in events} == {  # type: ignore[attr-defined]
            ("T1", session_id_of(UUID(e.plan["id"]), "T1")),
            ("P1", session_id_of(UUID(e.plan["id"]), "P1")),
        }


class TestOverview:
    async def test_the_inspector_sees_the_counts_of_their_rooms(self, harness: ServiceHarness):
        e, wang = await on_duty(harness)
        zhao = await duty_account(harness, Role.INSPECTOR, ORG)
        await assign_inspector(harness, e, zhao)
        await sync(harness, e, as_invigilator(harness, wang), mark(e.tickets[0]["ticket_number"]))
        response = await harness.client.get(
            f"{API}/check-ins/overview", headers=as_inspector(harness, zhao)
        )
        assert response.status_code == 200, response.text
        [room] = response.json()
        assert (room["room_id"], room["expected"], room["present"], room["absent"]) == (
            e.room["id"],
            3,
            1,
            0,
        )
        nobody = await duty_account(harness, Role.INSPECTOR, ORG)
        response = await harness.client.get(
            f"{API}/check-ins/overview", headers=as_inspector(harness, nobody)
        )
        assert response.json() == []


class TestRules:
    def test_attendance_does_not_depend_on_the_order_marks_arrive_in(self):
        a, b = uuid4(), uuid4()
        t0 = datetime(2026, 5, 16, 1, 0, tzinfo=UTC)
        marks = [
            MarkFact(a, "absent", t0),
            MarkFact(a, "present", t0 + timedelta(minutes=5)),
            MarkFact(a, "present", t0 + timedelta(minutes=2)),
            MarkFact(b, "absent", t0 + timedelta(minutes=3)),
        ]
        for order in (marks, marks[::-1]):
            result = attendance(order)
            assert result[a].status is Mark.PRESENT and result[a].at == t0 + timedelta(minutes=2)
            assert result[b].status is Mark.ABSENT
