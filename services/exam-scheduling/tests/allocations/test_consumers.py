"""Consumers against the real database and broker: the approved-candidate read model and seat
allocation on payment — idempotent, concurrency-safe, waiting when full."""

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from exam_scheduling.allocations.models import ApprovedCandidate, SeatAllocation
from skillcert.bus import RetryLater
from skillcert.events import CandidateScheduled
from skillcert.testing import ServiceHarness, assert_problem, eventually

from ..factories import (
    API,
    INST,
    add_rooms,
    approved,
    count,
    create_site,
    org_admin,
    paid,
    scheduled_plan,
)

SCHEDULED = "exam.candidate.scheduled.v1"


async def allocations(harness: ServiceHarness) -> list[SeatAllocation]:
    async with harness.ctx.sessionmaker() as session:
        query = select(SeatAllocation).order_by(SeatAllocation.seat_number)
        return list((await session.execute(query)).scalars())


async def approve_and_pay(harness: ServiceHarness, plan: dict, **kw) -> None:
    approval = approved(plan["id"], **kw)
    await harness.deliver(approval)
    await harness.deliver(paid(approval))


class TestApplicationApproved:
    async def test_remembers_the_candidate(self, harness: ServiceHarness):
        event = approved("00000000-0000-0000-0000-000000000001", candidate_name="李四")
        await harness.deliver(event)
        async with harness.ctx.sessionmaker() as session:
            row = await session.get(ApprovedCandidate, event.application_id)
        assert row is not None
        assert (row.candidate_id, row.plan_id) == (event.candidate_id, event.plan_id)
        assert (row.candidate_name, row.id_number) == ("李四", "110101199003074514")

    async def test_same_message_twice_keeps_one_row(self, harness: ServiceHarness):
        event = approved("00000000-0000-0000-0000-000000000001")
        await harness.deliver(event)
        await harness.deliver(event)
        assert await count(harness, ApprovedCandidate) == 1

    async def test_later_revision_corrects_the_name_an_older_one_does_not(
        self, harness: ServiceHarness
    ):
        first = approved("00000000-0000-0000-0000-000000000001", revision=2, candidate_name="王五")
        older = approved(
            first.plan_id,
            first.candidate_id,
            application_id=first.application_id,
            revision=1,
            candidate_name="王 五",
        )
        newer = approved(
            first.plan_id,
            first.candidate_id,
            application_id=first.application_id,
            revision=3,
            candidate_name="王武",
        )
        for event in (first, older):
            await harness.deliver(event)
        async with harness.ctx.sessionmaker() as session:
            assert (
                await session.get(ApprovedCandidate, first.application_id)
            ).candidate_name == "王五"
        await harness.deliver(newer)
        async with harness.ctx.sessionmaker() as session:
            assert (
                await session.get(ApprovedCandidate, first.application_id)
            ).candidate_name == "王武"


class TestOrderPaid:
    async def test_seats_the_candidate_and_records_the_full_event(self, harness: ServiceHarness):
        plan = await scheduled_plan(harness, (30,))
        approval = approved(plan["id"], candidate_name="张三")
        await harness.deliver(approval)
        await harness.deliver(paid(approval))

        [allocation] = await allocations(harness)
        assert allocation.status == "scheduled" and allocation.seat_number == 1
        serial = plan["serial"]
        assert allocation.ticket_number == f"2026{serial:04d}00101001"
        [event] = await harness.outbox(SCHEDULED)
        assert isinstance(event, CandidateScheduled)
        assert (event.application_id, event.candidate_id) == (
            approval.application_id,
            approval.candidate_id,
        )
        assert str(event.plan_id) == plan["id"]
        assert (event.candidate_name, event.id_number) == ("张三", "110101199003074514")
        assert event.ticket_number == allocation.ticket_number
        assert (event.institution_id, event.institution_name) == (INST, "示例职业技术学院")
        assert (event.site_name, event.room_name, event.seat_number) == ("考点0", "1号机房", 1)
        assert event.exam_starts_at == datetime(2026, 5, 16, 1, 0, tzinfo=UTC)

    async def test_same_payment_delivered_twice_gives_one_seat(self, harness: ServiceHarness):
        plan = await scheduled_plan(harness, (30,))
        approval = approved(plan["id"])
        await harness.deliver(approval)
        payment = paid(approval)
        await harness.deliver(payment)
        await harness.deliver(payment)
        assert len(await allocations(harness)) == 1
        assert len(await harness.outbox(SCHEDULED)) == 1

    async def test_two_payments_of_one_application_at_once_give_one_seat(
        self, harness: ServiceHarness
    ):
        plan = await scheduled_plan(harness, (30,))
        approval = approved(plan["id"])
        await harness.deliver(approval)
        await asyncio.gather(harness.deliver(paid(approval)), harness.deliver(paid(approval)))
        assert len(await allocations(harness)) == 1
        assert len(await harness.outbox(SCHEDULED)) == 1

    async def test_two_candidates_at_once_get_seats_one_and_two(self, harness: ServiceHarness):
        plan = await scheduled_plan(harness, (30,))
        first, second = approved(plan["id"]), approved(plan["id"])
        await harness.deliver(first)
        await harness.deliver(second)
        await asyncio.gather(harness.deliver(paid(first)), harness.deliver(paid(second)))
        seats = [(a.seat_number, a.ticket_number[-3:]) for a in await allocations(harness)]
        assert seats == [(1, "001"), (2, "002")]

    async def test_full_room_sends_the_next_candidate_to_the_next_room_and_site(
        self, harness: ServiceHarness
    ):
        plan = await scheduled_plan(harness, (1, 1), (1,))
        for _ in range(3):
            await approve_and_pay(harness, plan)
        events = await harness.outbox(SCHEDULED)
        assert [(e.site_name, e.room_name, e.seat_number) for e in events] == [
            ("考点0", "1号机房", 1),
            ("考点0", "2号机房", 1),
            ("考点1", "1号机房", 1),
        ]
        assert [e.ticket_number[8:] for e in events] == ["00101001", "00102001", "00201001"]

    async def test_no_free_seat_leaves_the_candidate_waiting_without_event(
        self, harness: ServiceHarness
    ):
        plan = await scheduled_plan(harness, (1,))
        await approve_and_pay(harness, plan)
        await approve_and_pay(harness, plan)
        statuses = sorted((a.status, a.ticket_number is None) for a in await allocations(harness))
        assert statuses == [("scheduled", False), ("waiting", True)]
        assert len(await harness.outbox(SCHEDULED)) == 1

    async def test_plan_without_sites_queues_everyone(self, harness: ServiceHarness):
        plan = await scheduled_plan(harness)
        await approve_and_pay(harness, plan)
        [allocation] = await allocations(harness)
        assert allocation.status == "waiting" and allocation.room_id is None

    async def test_payment_before_approval_fails_so_the_bus_retries(self, harness: ServiceHarness):
        plan = await scheduled_plan(harness, (30,))
        approval = approved(plan["id"])
        with pytest.raises(RetryLater):
            await harness.deliver(paid(approval))
        assert await allocations(harness) == []

    async def test_through_the_broker_a_payment_overtaking_its_approval_is_seated(
        self, harness: ServiceHarness
    ):
        plan = await scheduled_plan(harness, (30,))
        approval = approved(plan["id"])
        await harness.publish(paid(approval), approval)

        async def seated():
            return [a for a in await allocations(harness) if a.status == "scheduled"]

        assert len(await eventually(seated)) == 1


class TestScheduleWaiting:
    async def test_added_room_seats_the_waiting_in_payment_order(self, harness: ServiceHarness):
        plan = await scheduled_plan(harness, (1,))
        for _ in range(3):
            await approve_and_pay(harness, plan)
        site_id = plan["sites"][0]["site_id"]
        await add_rooms(harness, site_id, plan["id"], (1,), first=2)
        response = await harness.client.post(
            f"{API}/plans/{plan['id']}/allocations/schedule", headers=org_admin(harness)
        )
        assert response.status_code == 200
        assert response.json() == {"scheduled": 1, "waiting": 1}
        assert len(await harness.outbox(SCHEDULED)) == 2

    async def test_another_organisation_cannot_schedule(self, harness: ServiceHarness):
        plan = await scheduled_plan(harness, (1,))
        response = await harness.client.post(
            f"{API}/plans/{plan['id']}/allocations/schedule",
            headers=org_admin(harness, "ORG-OTHER"),
        )
        assert_problem(response, 403, slug="forbidden")

    async def test_new_site_for_the_plan_also_helps(self, harness: ServiceHarness):
        plan = await scheduled_plan(harness)
        await approve_and_pay(harness, plan)
        site = await create_site(harness, "新考点", rooms=(5,), plan=plan)
        await harness.client.post(
            f"{API}/plans/{plan['id']}/sites",
            json={"site_ids": [site["id"]]},
            headers=org_admin(harness),
        )
        response = await harness.client.post(
            f"{API}/plans/{plan['id']}/allocations/schedule", headers=org_admin(harness)
        )
        assert response.json() == {"scheduled": 1, "waiting": 0}
        [event] = await harness.outbox(SCHEDULED)
        assert event.site_name == "新考点"
