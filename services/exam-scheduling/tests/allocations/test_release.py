"""Seats follow the application's fate: a withdrawal, forfeit or refund releases the seat (or
the place in the queue), the first waiting candidate takes it, the admission ticket goes, and a
payment reported after the release is not seated."""

from datetime import UTC, datetime
from uuid import UUID, uuid4

from sqlalchemy import select

from exam_scheduling.allocations.models import ApplicationRelease, SeatAllocation
from skillcert.auth import Role
from skillcert.events import (
    ApplicationApproved,
    ApplicationForfeited,
    ApplicationWithdrawn,
    CandidateScheduled,
    OrderPaid,
    OrderRefunded,
)
from skillcert.testing import ServiceHarness, eventually

from ..factories import (
    API,
    add_rooms,
    approved,
    count,
    create_plan,
    create_site,
    future_windows,
    org_admin,
    paid,
    scheduled_plan,
)

SCHEDULED = "exam.candidate.scheduled.v1"


def withdrawn(approval: ApplicationApproved, paid: bool = True) -> ApplicationWithdrawn:
    """As registration publishes it: `paid` when the candidate withdrew after paying (before
    the plan's withdrawal deadline), which is how a seated candidate withdraws."""
    return ApplicationWithdrawn(
        application_id=approval.application_id,
        candidate_id=approval.candidate_id,
        plan_id=approval.plan_id,
        reason="个人原因",
        paid=paid,
    )


def forfeited(approval: ApplicationApproved) -> ApplicationForfeited:
    return ApplicationForfeited(
        application_id=approval.application_id,
        candidate_id=approval.candidate_id,
        plan_id=approval.plan_id,
        reason="纸质材料未在报名截止前寄达",
    )


def refunded(payment: OrderPaid) -> OrderRefunded:
    return OrderRefunded(
        order_id=payment.order_id,
        application_id=payment.application_id,
        candidate_id=payment.candidate_id,
        plan_id=payment.plan_id,
        amount_fen=payment.amount_fen,
        refunded_at=datetime.now(UTC),
    )


async def approve_and_pay(
    harness: ServiceHarness, plan: dict, **kw
) -> tuple[ApplicationApproved, OrderPaid]:
    approval = approved(plan["id"], **kw)
    payment = paid(approval)
    await harness.deliver(approval)
    await harness.deliver(payment)
    return approval, payment


async def allocation_of(harness: ServiceHarness, application_id: UUID) -> SeatAllocation | None:
    async with harness.ctx.sessionmaker() as session:
        query = select(SeatAllocation).where(SeatAllocation.application_id == application_id)
        return (await session.execute(query)).scalar_one_or_none()


async def scheduled_events(harness: ServiceHarness) -> list[CandidateScheduled]:
    return [e for e in await harness.outbox(SCHEDULED) if isinstance(e, CandidateScheduled)]


async def tickets(harness: ServiceHarness, candidate_id: UUID) -> list[dict]:
    response = await harness.client.get(
        f"{API}/tickets/mine", headers=harness.headers(Role.CANDIDATE, account_id=candidate_id)
    )
    assert response.status_code == 200, response.text
    return response.json()


class TestReleaseOfASeat:
    async def test_withdrawal_frees_the_seat_for_the_first_waiting_candidate(
        self, harness: ServiceHarness
    ):
        plan = await scheduled_plan(harness, (1,))
        seated, _ = await approve_and_pay(harness, plan, candidate_name="张三")
        first_waiting, _ = await approve_and_pay(harness, plan, candidate_name="李四")
        second_waiting, _ = await approve_and_pay(harness, plan, candidate_name="王五")
        [original] = await scheduled_events(harness)

        await harness.deliver(withdrawn(seated))

        gone = await allocation_of(harness, seated.application_id)
        assert gone is not None
        assert (gone.status, gone.release_reason) == ("released", "withdrawn")
        assert (gone.room_id, gone.seat_number, gone.ticket_number) == (None, None, None)
        assert gone.released_at is not None
        taker = await allocation_of(harness, first_waiting.application_id)
        assert taker is not None and (taker.status, taker.seat_number) == ("scheduled", 1)
        # The ticket number encodes the seat, so the freed seat's number passes on.
        assert taker.ticket_number == original.ticket_number
        still_waiting = await allocation_of(harness, second_waiting.application_id)
        assert still_waiting is not None and still_waiting.status == "waiting"

        [_, event] = await scheduled_events(harness)
        assert (event.application_id, event.candidate_id) == (
            first_waiting.application_id,
            first_waiting.candidate_id,
        )
        assert (event.candidate_name, event.seat_number, event.room_name) == ("李四", 1, "1号机房")
        assert event.ticket_number == taker.ticket_number

    async def test_forfeit_releases_the_seat_the_same_way(self, harness: ServiceHarness):
        plan = await scheduled_plan(harness, (1,))
        seated, _ = await approve_and_pay(harness, plan)
        waiting, _ = await approve_and_pay(harness, plan)

        await harness.deliver(forfeited(seated))

        gone = await allocation_of(harness, seated.application_id)
        assert gone is not None and (gone.status, gone.release_reason) == ("released", "forfeited")
        taker = await allocation_of(harness, waiting.application_id)
        assert taker is not None and taker.status == "scheduled"
        assert [e.application_id for e in await scheduled_events(harness)][1:] == [
            waiting.application_id
        ]

    async def test_refund_releases_the_seat_the_same_way(self, harness: ServiceHarness):
        plan = await scheduled_plan(harness, (1,))
        seated, payment = await approve_and_pay(harness, plan)
        waiting, _ = await approve_and_pay(harness, plan)

        await harness.deliver(refunded(payment))

        gone = await allocation_of(harness, seated.application_id)
        assert gone is not None and (gone.status, gone.release_reason) == ("released", "refunded")
        taker = await allocation_of(harness, waiting.application_id)
        assert taker is not None and (taker.status, taker.seat_number) == ("scheduled", 1)
        assert len(await scheduled_events(harness)) == 2

    async def test_release_with_nobody_waiting_only_frees_the_seat(self, harness: ServiceHarness):
        plan = await scheduled_plan(harness, (1,))
        seated, _ = await approve_and_pay(harness, plan)
        await harness.deliver(withdrawn(seated))
        assert len(await scheduled_events(harness)) == 1

        newcomer, _ = await approve_and_pay(harness, plan)
        taker = await allocation_of(harness, newcomer.application_id)
        assert taker is not None and (taker.status, taker.seat_number) == ("scheduled", 1)

    async def test_waiting_candidate_leaves_the_queue_without_taking_a_seat_later(
        self, harness: ServiceHarness
    ):
        plan = await scheduled_plan(harness, (1,))
        await approve_and_pay(harness, plan)
        waiting, _ = await approve_and_pay(harness, plan)

        await harness.deliver(withdrawn(waiting))

        gone = await allocation_of(harness, waiting.application_id)
        assert gone is not None and gone.status == "released"
        assert len(await scheduled_events(harness)) == 1
        # More room later seats nobody: the queue is empty.
        site_id = plan["sites"][0]["site_id"]
        await add_rooms(harness, site_id, plan["id"], (5,), first=2)
        response = await harness.client.post(
            f"{API}/plans/{plan['id']}/allocations/schedule", headers=org_admin(harness)
        )
        assert response.json() == {"scheduled": 0, "waiting": 0}
        gone = await allocation_of(harness, waiting.application_id)
        assert gone is not None and gone.status == "released"

    async def test_refund_of_a_duplicate_order_keeps_the_seat(self, harness: ServiceHarness):
        plan = await scheduled_plan(harness, (1,))
        seated, _ = await approve_and_pay(harness, plan)
        waiting, _ = await approve_and_pay(harness, plan)
        duplicate = paid(seated)

        await harness.deliver(refunded(duplicate))

        kept = await allocation_of(harness, seated.application_id)
        assert kept is not None and (kept.status, kept.seat_number) == ("scheduled", 1)
        still = await allocation_of(harness, waiting.application_id)
        assert still is not None and still.status == "waiting"
        assert len(await scheduled_events(harness)) == 1

    async def test_refund_after_withdrawal_changes_nothing_more(self, harness: ServiceHarness):
        plan = await scheduled_plan(harness, (1,))
        seated, payment = await approve_and_pay(harness, plan)
        first, _ = await approve_and_pay(harness, plan)
        second, _ = await approve_and_pay(harness, plan)

        await harness.deliver(withdrawn(seated))
        await harness.deliver(refunded(payment))

        gone = await allocation_of(harness, seated.application_id)
        assert gone is not None and (gone.status, gone.release_reason) == ("released", "withdrawn")
        assert [e.application_id for e in await scheduled_events(harness)][1:] == [
            first.application_id
        ]
        still = await allocation_of(harness, second.application_id)
        assert still is not None and still.status == "waiting"

    async def test_the_roster_leaves_the_released_out(self, harness: ServiceHarness):
        plan = await scheduled_plan(harness, (1,))
        seated, _ = await approve_and_pay(harness, plan, candidate_name="张三")
        await approve_and_pay(harness, plan, candidate_name="李四")
        await harness.deliver(withdrawn(seated))
        response = await harness.client.get(
            f"{API}/plans/{plan['id']}/allocations", headers=org_admin(harness)
        )
        assert response.status_code == 200
        assert [(r["candidate_name"], r["status"], r["seat_number"]) for r in response.json()] == [
            ("李四", "scheduled", 1)
        ]

    async def test_on_a_cancelled_plan_nobody_is_seated_in_the_freed_seat(
        self, harness: ServiceHarness
    ):
        plan = await create_plan(harness, **future_windows())
        site = await create_site(harness, "考点0", rooms=(1,), plan=plan)
        for step, body in (("sites", {"site_ids": [site["id"]]}), ("publish", None)):
            response = await harness.client.post(
                f"{API}/plans/{plan['id']}/{step}", json=body, headers=org_admin(harness)
            )
            assert response.status_code == 200, response.text
        seated, _ = await approve_and_pay(harness, plan)
        waiting, _ = await approve_and_pay(harness, plan)
        response = await harness.client.post(
            f"{API}/plans/{plan['id']}/cancel",
            json={"reason": "考点场地临时不可用，本次认定取消"},
            headers=org_admin(harness),
        )
        assert response.status_code == 200, response.text

        await harness.deliver(withdrawn(seated))

        gone = await allocation_of(harness, seated.application_id)
        assert gone is not None and gone.status == "released"
        still = await allocation_of(harness, waiting.application_id)
        assert still is not None and still.status == "waiting"
        assert len(await scheduled_events(harness)) == 1


class TestAdmissionTicket:
    async def test_ticket_disappears_and_passes_to_the_next_candidate(
        self, harness: ServiceHarness
    ):
        plan = await scheduled_plan(harness, (1,))
        me, next_in_line = uuid4(), uuid4()
        mine, _ = await approve_and_pay(harness, plan, candidate_id=me)
        await approve_and_pay(harness, plan, candidate_id=next_in_line)
        [ticket] = await tickets(harness, me)
        assert await tickets(harness, next_in_line) == []

        await harness.deliver(withdrawn(mine))

        assert await tickets(harness, me) == []
        [passed_on] = await tickets(harness, next_in_line)
        assert passed_on["ticket_number"] == ticket["ticket_number"]
        assert passed_on["seat_number"] == 1


class TestDoubleDelivery:
    async def test_withdrawal_twice_releases_once_and_seats_one(self, harness: ServiceHarness):
        plan = await scheduled_plan(harness, (1,))
        seated, _ = await approve_and_pay(harness, plan)
        first, _ = await approve_and_pay(harness, plan)
        second, _ = await approve_and_pay(harness, plan)
        event = withdrawn(seated)

        await harness.deliver(event)
        await harness.deliver(event)

        assert await count(harness, ApplicationRelease) == 1
        assert [e.application_id for e in await scheduled_events(harness)][1:] == [
            first.application_id
        ]
        still = await allocation_of(harness, second.application_id)
        assert still is not None and still.status == "waiting"

    async def test_forfeit_twice_releases_once_and_seats_one(self, harness: ServiceHarness):
        plan = await scheduled_plan(harness, (1,))
        seated, _ = await approve_and_pay(harness, plan)
        first, _ = await approve_and_pay(harness, plan)
        second, _ = await approve_and_pay(harness, plan)
        event = forfeited(seated)

        await harness.deliver(event)
        await harness.deliver(event)

        assert await count(harness, ApplicationRelease) == 1
        assert [e.application_id for e in await scheduled_events(harness)][1:] == [
            first.application_id
        ]
        still = await allocation_of(harness, second.application_id)
        assert still is not None and still.status == "waiting"

    async def test_refund_twice_releases_once_and_seats_one(self, harness: ServiceHarness):
        plan = await scheduled_plan(harness, (1,))
        seated, payment = await approve_and_pay(harness, plan)
        first, _ = await approve_and_pay(harness, plan)
        second, _ = await approve_and_pay(harness, plan)
        event = refunded(payment)

        await harness.deliver(event)
        await harness.deliver(event)

        gone = await allocation_of(harness, seated.application_id)
        assert gone is not None and gone.status == "released"
        assert await count(harness, ApplicationRelease) == 1
        assert [e.application_id for e in await scheduled_events(harness)][1:] == [
            first.application_id
        ]
        still = await allocation_of(harness, second.application_id)
        assert still is not None and still.status == "waiting"


class TestReleasedBeforePayment:
    async def test_paid_after_withdrawal_is_not_seated(self, harness: ServiceHarness):
        plan = await scheduled_plan(harness, (30,))
        me = uuid4()
        approval = approved(plan["id"], me)
        await harness.deliver(approval)
        await harness.deliver(withdrawn(approval, paid=False))

        await harness.deliver(paid(approval))

        assert await allocation_of(harness, approval.application_id) is None
        assert await scheduled_events(harness) == []
        assert await tickets(harness, me) == []

    async def test_paid_after_forfeit_is_not_seated(self, harness: ServiceHarness):
        plan = await scheduled_plan(harness, (30,))
        approval = approved(plan["id"])
        await harness.deliver(approval)
        await harness.deliver(forfeited(approval))

        await harness.deliver(paid(approval))

        assert await allocation_of(harness, approval.application_id) is None
        assert await scheduled_events(harness) == []

    async def test_a_refund_overtaking_its_payment_keeps_that_payment_off_the_seats(
        self, harness: ServiceHarness
    ):
        plan = await scheduled_plan(harness, (30,))
        approval = approved(plan["id"])
        payment = paid(approval)
        await harness.deliver(approval)
        await harness.deliver(refunded(payment))

        await harness.deliver(payment)

        assert await allocation_of(harness, approval.application_id) is None
        assert await scheduled_events(harness) == []

    async def test_a_refund_of_another_order_does_not_block_the_payment(
        self, harness: ServiceHarness
    ):
        plan = await scheduled_plan(harness, (30,))
        approval = approved(plan["id"])
        await harness.deliver(approval)
        await harness.deliver(refunded(paid(approval)))

        await harness.deliver(paid(approval))

        seated = await allocation_of(harness, approval.application_id)
        assert seated is not None and seated.status == "scheduled"

    async def test_withdrawal_before_the_approval_arrived_is_remembered(
        self, harness: ServiceHarness
    ):
        plan = await scheduled_plan(harness, (30,))
        approval = approved(plan["id"])
        await harness.deliver(withdrawn(approval, paid=False))
        await harness.deliver(approval)

        await harness.deliver(paid(approval))

        assert await allocation_of(harness, approval.application_id) is None
        assert await scheduled_events(harness) == []

    async def test_through_the_broker_a_withdrawal_releases_the_seat(self, harness: ServiceHarness):
        plan = await scheduled_plan(harness, (1,))
        seated, _ = await approve_and_pay(harness, plan)
        waiting, _ = await approve_and_pay(harness, plan)

        await harness.publish(withdrawn(seated))

        async def taken_over():
            taker = await allocation_of(harness, waiting.application_id)
            return taker if taker is not None and taker.status == "scheduled" else None

        assert (await eventually(taken_over)).seat_number == 1
        gone = await allocation_of(harness, seated.application_id)
        assert gone is not None and gone.status == "released"
