"""ApplicationApproved makes an application payable; ApplicationWithdrawn ends that."""

from __future__ import annotations

from uuid import uuid4

from sqlalchemy import select

from payment.applications.models import PayableApplication
from skillcert.events import ApplicationWithdrawn
from skillcert.testing import ServiceHarness
from tests.support import approved


async def applications(harness: ServiceHarness) -> list[PayableApplication]:
    async with harness.ctx.sessionmaker() as session:
        return list((await session.execute(select(PayableApplication))).scalars())


def withdrawn(event) -> ApplicationWithdrawn:  # type: ignore[no-untyped-def]
    return ApplicationWithdrawn(
        application_id=event.application_id,
        candidate_id=event.candidate_id,
        plan_id=event.plan_id,
        reason="个人原因",
    )


class TestApplicationApproved:
    async def test_same_event_twice_makes_one_payable_application(self, harness: ServiceHarness):
        event = approved(uuid4(), uuid4(), uuid4())
        await harness.deliver(event)
        await harness.deliver(event)
        [row] = await applications(harness)
        assert (row.application_id, row.candidate_id, row.status) == (
            event.application_id,
            event.candidate_id,
            "approved",
        )

    async def test_the_roster_institution_is_kept_and_follows_a_later_approval(
        self, harness: ServiceHarness
    ):
        event = approved(uuid4(), uuid4(), uuid4(), institution_id="INST-001")
        await harness.deliver(event)
        await harness.deliver(event)
        [row] = await applications(harness)
        assert row.institution_id == "INST-001"
        later = approved(
            event.application_id,
            event.candidate_id,
            event.plan_id,
            institution_id="INST-002",
            revision=2,
        )
        await harness.deliver(later)
        [row] = await applications(harness)
        assert (row.institution_id, row.revision) == ("INST-002", 2)

    async def test_an_approval_without_an_institution_keeps_none(self, harness: ServiceHarness):
        await harness.deliver(approved(uuid4(), uuid4(), uuid4()))
        [row] = await applications(harness)
        assert row.institution_id is None

    async def test_late_approval_does_not_revive_a_withdrawn_application(
        self, harness: ServiceHarness
    ):
        event = approved(uuid4(), uuid4(), uuid4())
        await harness.deliver(withdrawn(event))
        await harness.deliver(event)
        [row] = await applications(harness)
        assert row.status == "withdrawn"


class TestApplicationWithdrawn:
    async def test_same_event_twice_withdraws_once(self, harness: ServiceHarness):
        event = approved(uuid4(), uuid4(), uuid4())
        await harness.deliver(event)
        gone = withdrawn(event)
        await harness.deliver(gone)
        [first] = await applications(harness)
        await harness.deliver(gone)
        [row] = await applications(harness)
        assert row.status == "withdrawn"
        assert row.withdrawn_at == first.withdrawn_at
