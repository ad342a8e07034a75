"""The quota ledger kept from institution.pilot.approved: idempotent, newest decision wins,
retried then dead-lettered when it cannot be stored."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

from sqlalchemy import func, select

from registration.quotas.models import Quota
from skillcert.testing import ServiceHarness, eventually
from tests.quotas.support import pilot_approved


async def quotas(harness: ServiceHarness) -> list[Quota]:
    async with harness.ctx.sessionmaker() as session:
        return list((await session.execute(select(Quota))).scalars())


class TestPilotApproved:
    async def test_same_message_twice_keeps_one_quota(self, harness: ServiceHarness):
        event = pilot_approved(30)
        await harness.deliver(event)
        await harness.deliver(event)
        [quota] = await quotas(harness)
        assert (quota.institution_id, quota.certificate_code, quota.year) == (
            event.institution_code,
            event.certificate_code,
            event.year,
        )
        assert quota.approved_headcount == 30
        assert quota.certificate_name == "电子商务师"

    async def test_a_later_decision_replaces_the_headcount(self, harness: ServiceHarness):
        first = pilot_approved(30)
        await harness.deliver(first)
        later = pilot_approved(45, decided_at=first.decided_at + timedelta(days=1))
        await harness.deliver(later)
        assert [(q.approved_headcount, q.decision_id) for q in await quotas(harness)] == [
            (45, later.decision_id)
        ]

    async def test_an_older_decision_arriving_late_is_ignored(self, harness: ServiceHarness):
        current = pilot_approved(45)
        await harness.deliver(current)
        await harness.deliver(pilot_approved(30, decided_at=current.decided_at - timedelta(days=1)))
        assert [q.approved_headcount for q in await quotas(harness)] == [45]

    async def test_each_certificate_and_year_has_its_own_quota(self, harness: ServiceHarness):
        event = pilot_approved(10)
        await harness.deliver(event)
        await harness.deliver(pilot_approved(20, year=event.year + 1))
        await harness.deliver(pilot_approved(30, certificate_code="4-04-05-03"))
        assert sorted(q.approved_headcount for q in await quotas(harness)) == [10, 20, 30]

    async def test_arrives_over_the_real_broker(self, harness: ServiceHarness):
        await harness.publish(pilot_approved(12))

        async def stored() -> int:
            async with harness.ctx.sessionmaker() as session:
                return int(await session.scalar(select(func.count()).select_from(Quota)) or 0)

        assert await eventually(stored) == 1

    async def test_failing_store_is_retried_then_dead_lettered(self, harness: ServiceHarness):
        # A certificate code longer than any the catalogue has: the row cannot be stored, so
        # every attempt fails.
        event = pilot_approved(12, certificate_code="X" * 60, decision_id=uuid4())
        await harness.publish(event)

        async def parked():
            letters = await harness.ctx.bus.dead_letters("registration")
            return [d for d in letters if d.message_id == str(event.event_id)]

        letters = await eventually(parked, timeout_s=15)
        assert letters[0].attempts == 3  # first try + two retries (100 ms, 200 ms)
        assert await quotas(harness) == []
