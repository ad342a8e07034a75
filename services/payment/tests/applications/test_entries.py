"""报考 (registration.entry.*): an institution's registration is payable by its payment
requests as an approved application of its student; a deletion ends it and refunds a paid fee.
Both through the same reactions as approvals and withdrawals, idempotent, retried then
dead-lettered."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID, uuid4

from sqlalchemy import text

from payment.applications.models import PayableApplication
from payment.refunds.rules import RefundTrigger
from skillcert.auth import Role
from skillcert.events import EntryDeleted, EntryRegistered
from skillcert.testing import ServiceHarness, eventually
from tests.applications.test_consumers import applications
from tests.refunds.helpers import refunds
from tests.support import (
    FEE_FEN,
    REQUESTS,
    SCHOOL,
    Payable,
    id_number,
    pay,
    plan_published,
)


def registered(plan_id: UUID, serial: int = 1, name: str = "张三") -> EntryRegistered:
    return EntryRegistered(
        entry_id=uuid4(),
        plan_id=plan_id,
        institution_id=SCHOOL,
        student_id=uuid4(),
        student_name=name,
        id_number=id_number(serial),
        subject_codes=["T1"],
        registered_at=datetime.now(UTC),
        photo_key=f"roster/{SCHOOL}/{serial}.jpg",
        photo_content_type="image/jpeg",
    )


def deleted(entry: EntryRegistered) -> EntryDeleted:
    return EntryDeleted(
        entry_id=entry.entry_id,
        plan_id=entry.plan_id,
        institution_id=entry.institution_id,
        student_id=entry.student_id,
        reason="院校删除报考",
    )


async def published(harness: ServiceHarness) -> UUID:
    plan = plan_published()
    await harness.deliver(plan)
    return plan.plan_id


class TestEntryRegistered:
    async def test_redelivery_keeps_one_payable_application_of_the_institution(
        self, harness: ServiceHarness
    ):
        event = registered(uuid4())
        await harness.deliver(event)
        [first] = await applications(harness)
        await harness.deliver(event)
        [row] = await applications(harness)
        assert (row.application_id, row.candidate_id, row.plan_id) == (
            event.entry_id,
            event.student_id,
            event.plan_id,
        )
        assert (row.status, row.institution_id, row.id_number, row.candidate_name) == (
            "approved",
            SCHOOL,
            event.id_number,
            "张三",
        )
        assert (row.revision, row.approved_at) == (first.revision, first.approved_at)

    async def test_the_institutions_payment_request_covers_the_registered_students(
        self, harness: ServiceHarness
    ):
        plan_id = await published(harness)
        await harness.deliver(registered(plan_id, 1, "张三"))
        await harness.deliver(registered(plan_id, 2, "李四"))
        assert harness.client is not None
        content = f"身份证号,姓名\r\n{id_number(1)},张三\r\n{id_number(2)},李四\r\n".encode()
        response = await harness.client.post(
            REQUESTS,
            data={"plan_id": str(plan_id), "mode": "certificate"},
            files={"file": ("students.csv", content, "text/csv")},
            headers=harness.headers(Role.INSTITUTION_ADMIN, org_id=SCHOOL),
        )
        assert response.status_code == 201, response.text
        assert [i["candidate_name"] for i in response.json()["items"]] == ["张三", "李四"]
        assert response.json()["total_fen"] == 2 * FEE_FEN
        other = await harness.client.post(
            REQUESTS,
            data={"plan_id": str(plan_id), "mode": "certificate"},
            files={"file": ("students.csv", content, "text/csv")},
            headers=harness.headers(Role.INSTITUTION_ADMIN, org_id="INST-002"),
        )
        assert other.status_code == 422, other.text

    async def test_a_failure_is_retried_then_dead_lettered_and_replay_works(
        self, harness: ServiceHarness
    ):
        event = registered(uuid4())

        async def kept() -> PayableApplication | None:
            async with harness.ctx.sessionmaker() as session:
                return await session.get(PayableApplication, event.entry_id)

        async with harness.ctx.sessionmaker() as session:
            await session.execute(
                text("ALTER TABLE payable_applications RENAME TO payable_applications_x")
            )
            await session.commit()
        try:
            await harness.publish(event)

            async def parked():  # type: ignore[no-untyped-def]
                letters = await harness.ctx.bus.dead_letters("payment")
                return [d for d in letters if d.message_id == str(event.event_id)]

            letters = await eventually(parked, timeout_s=20)
            assert letters[0].attempts == 3
        finally:
            async with harness.ctx.sessionmaker() as session:
                await session.execute(
                    text("ALTER TABLE payable_applications_x RENAME TO payable_applications")
                )
                await session.commit()
        assert await kept() is None
        assert await harness.ctx.bus.replay_dead_letters("payment") >= 1
        row = await eventually(kept)
        assert row.institution_id == SCHOOL


class TestEntryDeleted:
    async def test_a_paid_registration_deleted_twice_is_refunded_once(
        self, harness: ServiceHarness
    ):
        plan_id = await published(harness)
        entry = registered(plan_id)
        await harness.deliver(entry)
        order = await pay(Payable(entry.entry_id, entry.student_id, plan_id, harness))
        gone = deleted(entry)
        await harness.deliver(gone)
        [first] = await applications(harness)
        await harness.deliver(gone)
        [row] = await applications(harness)
        assert (row.status, row.withdrawn_at) == ("withdrawn", first.withdrawn_at)
        [refund] = await refunds(harness)
        assert (refund.order_id, refund.trigger) == (order.id, RefundTrigger.WITHDRAWN)

    async def test_a_registration_arriving_after_its_deletion_stays_deleted(
        self, harness: ServiceHarness
    ):
        entry = registered(uuid4())
        await harness.deliver(deleted(entry))
        await harness.deliver(entry)
        [row] = await applications(harness)
        assert row.status == "withdrawn"
        assert await refunds(harness) == []
