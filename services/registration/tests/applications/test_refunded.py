"""Refunds payment reports (payment.order.refunded): recorded on the application whatever its
status; a paid or scheduled application without withdrawal or cancellation ends as refunded."""

from datetime import UTC, datetime
from uuid import UUID, uuid4

import pytest
from sqlalchemy import select

from registration.applications.models import Application, StatusChange
from skillcert.bus import RetryLater
from skillcert.events import ExamPlanCancelled, OrderRefunded
from skillcert.testing import ServiceHarness
from tests.applications.test_consumers import approved, paid, scheduled, stored
from tests.conftest import Kit, seed_application

REFUNDED_AT = datetime(2026, 11, 20, 8, 30, tzinfo=UTC)


def refunded(a: Application, amount_fen: int = 38000) -> OrderRefunded:
    return OrderRefunded(
        order_id=uuid4(),
        application_id=a.id,
        candidate_id=a.candidate_id,
        plan_id=a.plan_id,
        amount_fen=amount_fen,
        refunded_at=REFUNDED_AT,
    )


async def changes(harness: ServiceHarness, application_id: UUID) -> list[StatusChange]:
    async with harness.ctx.sessionmaker() as session:
        query = (
            select(StatusChange)
            .where(StatusChange.application_id == application_id)
            .order_by(StatusChange.at)
        )
        return list((await session.execute(query)).scalars())


async def paid_through_the_api(kit: Kit, harness: ServiceHarness) -> tuple[dict[str, str], str]:
    headers, _, body = await kit.submitted_application()
    application = await stored(harness, UUID(body["id"]))
    await harness.deliver(approved(application))
    await harness.deliver(paid(application))
    return headers, body["id"]


class TestRefundOfAPaidApplication:
    async def test_same_message_twice_refunds_once(self, harness: ServiceHarness):
        a = await seed_application(harness, status="paid")
        event = refunded(a)
        await harness.deliver(event)
        await harness.deliver(event)
        after = await stored(harness, a.id)
        assert after.status == "refunded"
        assert (after.refund_order_id, after.refunded_fen) == (event.order_id, 38000)
        assert after.refunded_at == REFUNDED_AT
        [change] = await changes(harness, a.id)
        assert (change.from_status, change.to_status) == ("paid", "refunded")
        assert change.note == "已退费 380.00 元"

    async def test_a_scheduled_candidate_gives_up_the_seat(self, harness: ServiceHarness):
        a = await seed_application(harness, status="scheduled")
        await harness.deliver(refunded(a))
        assert (await stored(harness, a.id)).status == "refunded"

    async def test_the_candidate_sees_the_refund(self, kit: Kit, harness: ServiceHarness):
        headers, application_id = await paid_through_the_api(kit, harness)
        await harness.deliver(refunded(await stored(harness, UUID(application_id))))
        detail = await kit.get(headers, application_id)
        assert (detail["status"], detail["status_label"]) == ("refunded", "已退费（报名资格终止）")
        assert detail["refund"]["amount_fen"] == 38000
        assert datetime.fromisoformat(detail["refund"]["refunded_at"]) == REFUNDED_AT

    async def test_a_late_scheduling_after_the_refund_is_dropped(self, harness: ServiceHarness):
        a = await seed_application(harness, status="paid")
        await harness.deliver(refunded(a))
        await harness.deliver(scheduled(a))
        after = await stored(harness, a.id)
        assert (after.status, after.ticket_number) == ("refunded", None)

    async def test_a_refund_before_the_payment_is_retried_not_lost(self, harness: ServiceHarness):
        a = await seed_application(harness, status="approved")
        event = refunded(a)
        with pytest.raises(RetryLater, match="refund"):
            await harness.deliver(event)
        assert (await stored(harness, a.id)).refunded_at is None  # rolled back with the retry
        await harness.deliver(paid(a))
        await harness.deliver(event, attempt=2)
        assert (await stored(harness, a.id)).status == "refunded"


class TestRefundThatMovesNothing:
    @pytest.mark.parametrize(
        "status", ["withdrawn", "forfeited", "cancelled", "result_pass", "certified"]
    )
    async def test_recorded_and_the_status_kept(self, harness: ServiceHarness, status: str):
        a = await seed_application(harness, status=status)
        await harness.deliver(refunded(a))
        after = await stored(harness, a.id)
        assert after.status == status
        assert (after.refunded_fen, after.refunded_at) == (38000, REFUNDED_AT)
        assert await changes(harness, a.id) == []

    async def test_the_refund_of_a_cancelled_plan_leaves_it_cancelled(
        self, kit: Kit, harness: ServiceHarness
    ):
        headers, application_id = await paid_through_the_api(kit, harness)
        a = await stored(harness, UUID(application_id))
        await harness.deliver(ExamPlanCancelled(plan_id=a.plan_id, org_id=a.org_id, reason="停考"))
        await harness.deliver(refunded(a))
        detail = await kit.get(headers, application_id)
        assert detail["status"] == "cancelled"
        assert detail["refund"]["amount_fen"] == 38000
        assert [h["to_status"] for h in detail["status_history"]][-2:] == ["paid", "cancelled"]

    async def test_an_unknown_application_is_ignored(self, harness: ServiceHarness):
        a = await seed_application(harness, status="paid")
        ghost = refunded(a).model_copy(update={"application_id": uuid4()})
        await harness.deliver(ghost)  # nothing to retry
        assert (await stored(harness, a.id)).refunded_at is None
