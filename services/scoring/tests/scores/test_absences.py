"""缺考 from check-in: exam-scheduling's exam.session.absentees_recorded marks the candidates'
subject absent; an import (or a correction) that scores them is refused row by row; absent
counts as not passed. The consumer is idempotent and survives retry → dead-letter → replay."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

from sqlalchemy import text

from scoring.scores.models import Score, SubjectAbsence
from skillcert.events import (
    CandidateScheduled,
    ExamPlanPublished,
    ResultDetermined,
    SessionAbsentee,
    SessionAbsenteesRecorded,
)
from skillcert.testing import eventually


def absentees(
    plan: ExamPlanPublished, subject: str, *scheduled: CandidateScheduled
) -> SessionAbsenteesRecorded:
    return SessionAbsenteesRecorded(
        plan_id=plan.plan_id,
        subject_code=subject,
        session_id=uuid4(),
        room_id=uuid4(),
        closed_at=datetime.now(UTC),
        absentees=[
            SessionAbsentee(
                application_id=s.application_id,
                candidate_id=s.candidate_id,
                ticket_number=s.ticket_number,
            )
            for s in scheduled
        ],
    )


class TestAbsences:
    async def test_scoring_an_absent_candidate_is_a_row_error_and_nothing_is_written(
        self, scoring: Any
    ):
        plan = await scoring.plan(subjects=[("S1", 100, 60), ("P1", 100, 60)])
        await scoring.schedule(plan, "T001")
        absent = await scoring.schedule(plan, "T002")
        await scoring.harness.deliver(absentees(plan, "S1", absent))
        response = await scoring.import_scores(plan, "S1", [("T001", 80), ("T002", 70)])
        body = scoring.problem(response, 422, "scores.1.score")
        assert body["errors"][0]["message"] == "该考生本科目缺考，不能登记成绩"
        assert await scoring.count(Score) == 0
        # the other subject is not affected; without the absent row the import goes through
        assert (await scoring.import_scores(plan, "P1", [("T002", 70)])).status_code == 200
        assert (await scoring.import_scores(plan, "S1", [("T001", 80)])).status_code == 200
        response = await scoring.correct(plan, ticket_number="T002", subject_code="S1", score=75)
        scoring.problem(response, 422, "score")

    async def test_the_organisations_list_shows_who_missed_which_subject(self, scoring: Any):
        plan = await scoring.plan(subjects=[("S1", 100, 60), ("P1", 100, 60)])
        await scoring.schedule(plan, "T001")
        absent = await scoring.schedule(plan, "T002")
        await scoring.harness.deliver(absentees(plan, "S1", absent))
        await scoring.harness.deliver(absentees(plan, "P1", absent))
        response = await scoring.client.get(
            f"/api/v1/scoring/plans/{plan.plan_id}/scores", headers=scoring.org
        )
        assert response.status_code == 200, response.text
        rows = {r["ticket_number"]: r["absent_subjects"] for r in response.json()["items"]}
        assert rows == {"T001": [], "T002": ["P1", "S1"]}

    async def test_absent_counts_as_not_passed(self, scoring: Any):
        plan = await scoring.plan(subjects=[("S1", 100, 60)])
        sat = await scoring.schedule(plan, "T001")
        absent = await scoring.schedule(plan, "T002")
        # a score entered before the absence was heard does not count either
        await scoring.import_scores(plan, "S1", [("T001", 80), ("T002", 90)])
        await scoring.harness.deliver(absentees(plan, "S1", absent))
        response = await scoring.lock(plan)
        assert response.status_code == 200, response.text
        written = await scoring.harness.outbox("scoring.result.determined.v1")
        results = {
            e.application_id: (e.result, [s.subject_code for s in e.subject_scores])
            for e in written
            if isinstance(e, ResultDetermined)
        }
        assert results == {
            sat.application_id: ("pass", ["S1"]),
            absent.application_id: ("fail", []),
        }

    async def test_the_same_event_twice_records_each_absence_once(self, scoring: Any):
        plan = await scoring.plan()
        one = await scoring.schedule(plan, "T001")
        two = await scoring.schedule(plan, "T002")
        event = absentees(plan, "S1", one, two)
        await scoring.harness.deliver(event)
        await scoring.harness.deliver(event)
        # another room's close naming the same candidate again (a second closing) changes nothing
        await scoring.harness.deliver(absentees(plan, "S1", one))
        assert await scoring.count(SubjectAbsence) == 2

    async def test_a_failing_handler_is_retried_then_dead_lettered_and_replay_works(
        self, scoring: Any
    ):
        harness = scoring.harness
        plan = await scoring.plan()
        absent = await scoring.schedule(plan, "T001")
        event = absentees(plan, "S1", absent)

        async def kept() -> int:
            return int(await scoring.count(SubjectAbsence))

        async with harness.ctx.sessionmaker() as session:
            await session.execute(text("ALTER TABLE subject_absences RENAME TO subject_absences_x"))
            await session.commit()
        try:
            await harness.publish(event)

            async def parked():
                letters = await harness.ctx.bus.dead_letters("scoring")
                return [d for d in letters if d.message_id == str(event.event_id)]

            letters = await eventually(parked, timeout_s=20)
            assert letters[0].attempts == 3
        finally:
            async with harness.ctx.sessionmaker() as session:
                await session.execute(
                    text("ALTER TABLE subject_absences_x RENAME TO subject_absences")
                )
                await session.commit()
        assert await kept() == 0
        assert await harness.ctx.bus.replay_dead_letters("scoring") >= 1
        await eventually(kept)
        # delivered once more (a second replay): still one absence
        await harness.deliver(event)
        assert await kept() == 1
