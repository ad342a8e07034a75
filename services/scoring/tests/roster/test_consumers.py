"""exam.candidate.scheduled keeps the roster: ticket number → application, candidate, site."""

from datetime import timedelta
from typing import Any
from uuid import uuid4

from sqlalchemy import select

from scoring.roster.models import RosterEntry


async def roster(scoring: Any) -> list[RosterEntry]:
    async with scoring.harness.ctx.sessionmaker() as session:
        return list((await session.execute(select(RosterEntry))).scalars())


class TestCandidateScheduled:
    async def test_same_event_twice_keeps_one_entry(self, scoring: Any):
        plan = await scoring.plan()
        scheduled = await scoring.schedule(plan, "20600002253700400057")
        await scoring.harness.deliver(scheduled)
        [entry] = await roster(scoring)
        assert entry.application_id == scheduled.application_id
        assert entry.ticket_number == "20600002253700400057"
        assert (entry.institution_id, entry.institution_name) == ("INST-DEMO", "示例职业技术学院")

    async def test_rescheduling_replaces_the_ticket(self, scoring: Any):
        plan = await scoring.plan()
        scheduled = await scoring.schedule(plan, "T001")
        moved = scheduled.model_copy(
            update={
                "event_id": uuid4(),
                "occurred_at": scheduled.occurred_at + timedelta(minutes=1),
                "ticket_number": "T077",
            }
        )
        await scoring.harness.deliver(moved)
        [entry] = await roster(scoring)
        assert entry.ticket_number == "T077"
