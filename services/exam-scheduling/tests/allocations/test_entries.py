"""报考 (registration.entry.*): an institution's registration is remembered and seated once
paid as an approved candidate is, with the roster's photo on the ticket; a deletion frees the
seat. Idempotent, retried then dead-lettered."""

from datetime import UTC, datetime
from uuid import UUID, uuid4

from sqlalchemy import select, text

from exam_scheduling.allocations.models import (
    ApplicationRelease,
    ApprovedCandidate,
    SeatAllocation,
)
from exam_scheduling.tickets.document import PHOTO_BOX
from exam_scheduling.tickets.models import CandidatePhoto
from skillcert.auth import Role
from skillcert.events import EntryDeleted, EntryRegistered, OrderPaid
from skillcert.pdf_testing import ink_pixels, pdf_text, render_page
from skillcert.testing import ServiceHarness, eventually

from ..factories import API, INST, count, scheduled_plan
from ..tickets.test_tickets import jpeg

SCHOOL = "INST-001"


def registered(plan_id: UUID | str, name: str = "张三", photo_key: str | None = None):
    entry_id = uuid4()
    return EntryRegistered(
        entry_id=entry_id,
        plan_id=UUID(str(plan_id)),
        institution_id=SCHOOL,
        student_id=uuid4(),
        student_name=name,
        id_number="110101199003074514",
        subject_codes=["T1"],
        registered_at=datetime.now(UTC),
        photo_key=photo_key,
        photo_content_type="image/jpeg" if photo_key else None,
    )


def paid(entry: EntryRegistered) -> OrderPaid:
    """The institution's payment request confirmed: payment reports the entry paid."""
    return OrderPaid(
        order_id=uuid4(),
        application_id=entry.entry_id,
        candidate_id=entry.student_id,
        plan_id=entry.plan_id,
        amount_fen=48000,
        provider_transaction_id=f"4200{uuid4().hex[:20]}",
        paid_at=datetime.now(UTC),
    )


def deleted(entry: EntryRegistered) -> EntryDeleted:
    return EntryDeleted(
        entry_id=entry.entry_id,
        plan_id=entry.plan_id,
        institution_id=entry.institution_id,
        student_id=entry.student_id,
        reason="院校删除报考",
    )


async def allocation_of(harness: ServiceHarness, application_id: UUID) -> SeatAllocation | None:
    async with harness.ctx.sessionmaker() as session:
        query = select(SeatAllocation).where(SeatAllocation.application_id == application_id)
        return (await session.execute(query)).scalar_one_or_none()


class TestEntryRegistered:
    async def test_redelivery_keeps_one_candidate_and_one_photo(self, harness: ServiceHarness):
        event = registered(uuid4(), "李四", photo_key="registration/roster/x/photo")
        await harness.deliver(event)
        await harness.deliver(event)
        async with harness.ctx.sessionmaker() as session:
            row = await session.get(ApprovedCandidate, event.entry_id)
            photo = await session.get(CandidatePhoto, event.entry_id)
        assert row is not None
        assert (row.candidate_id, row.plan_id, row.candidate_name, row.id_number) == (
            event.student_id,
            event.plan_id,
            "李四",
            "110101199003074514",
        )
        assert photo is not None and photo.object_key == "registration/roster/x/photo"
        assert await count(harness, ApprovedCandidate) == 1
        assert await count(harness, CandidatePhoto) == 1

    async def test_without_a_photo_none_is_kept(self, harness: ServiceHarness):
        event = registered(uuid4())
        await harness.deliver(event)
        assert await count(harness, ApprovedCandidate) == 1
        assert await count(harness, CandidatePhoto) == 0

    async def test_paid_it_is_seated_and_its_ticket_prints_the_roster_photo(
        self, harness: ServiceHarness
    ):
        plan = await scheduled_plan(harness, (30,))
        key = f"registration/roster/{uuid4()}/photo"
        await harness.ctx.storage.put(key, jpeg(), "image/jpeg")
        entry = registered(plan["id"], "王五", photo_key=key)
        await harness.deliver(entry)
        await harness.deliver(paid(entry))
        seated = await allocation_of(harness, entry.entry_id)
        assert seated is not None and seated.status == "scheduled"
        [site] = (
            await harness.client.get(
                f"{API}/sites", headers=harness.headers(Role.INSTITUTION_ADMIN, org_id=INST)
            )
        ).json()
        response = await harness.client.get(
            f"{API}/sites/{site['id']}/tickets.pdf",
            headers=harness.headers(Role.INSTITUTION_ADMIN, org_id=INST),
        )
        assert response.status_code == 200, response.text
        pdf = response.content
        assert "王五" in pdf_text(pdf) and "贴照片处" not in pdf_text(pdf)
        x, y, w, h = PHOTO_BOX
        assert ink_pixels(render_page(pdf), (x + 4, y + 4, x + w - 4, y + h - 4)) > 0.5 * w * h

    async def test_a_failure_is_retried_then_dead_lettered_and_replay_works(
        self, harness: ServiceHarness
    ):
        event = registered(uuid4())

        async def kept() -> ApprovedCandidate | None:
            async with harness.ctx.sessionmaker() as session:
                return await session.get(ApprovedCandidate, event.entry_id)

        async with harness.ctx.sessionmaker() as session:
            await session.execute(
                text("ALTER TABLE approved_candidates RENAME TO approved_candidates_x")
            )
            await session.commit()
        try:
            await harness.publish(event)

            async def parked():  # type: ignore[no-untyped-def]
                letters = await harness.ctx.bus.dead_letters("exam-scheduling")
                return [d for d in letters if d.message_id == str(event.event_id)]

            letters = await eventually(parked, timeout_s=20)
            assert letters[0].attempts == 3
        finally:
            async with harness.ctx.sessionmaker() as session:
                await session.execute(
                    text("ALTER TABLE approved_candidates_x RENAME TO approved_candidates")
                )
                await session.commit()
        assert await kept() is None
        assert await harness.ctx.bus.replay_dead_letters("exam-scheduling") >= 1
        row = await eventually(kept)
        assert row.candidate_name == "张三"


class TestEntryDeleted:
    async def test_deleted_twice_frees_the_seat_once_for_the_first_waiting(
        self, harness: ServiceHarness
    ):
        plan = await scheduled_plan(harness, (1,))
        first, waiting = registered(plan["id"], "张三"), registered(plan["id"], "李四")
        for entry in (first, waiting):
            await harness.deliver(entry)
            await harness.deliver(paid(entry))
        gone = deleted(first)
        await harness.deliver(gone)
        await harness.deliver(gone)
        released = await allocation_of(harness, first.entry_id)
        assert released is not None
        assert (released.status, released.release_reason) == ("released", "withdrawn")
        taker = await allocation_of(harness, waiting.entry_id)
        assert taker is not None and (taker.status, taker.seat_number) == ("scheduled", 1)
        assert await count(harness, ApplicationRelease) == 1

    async def test_a_payment_reported_after_the_deletion_is_not_seated(
        self, harness: ServiceHarness
    ):
        plan = await scheduled_plan(harness, (2,))
        entry = registered(plan["id"])
        await harness.deliver(entry)
        await harness.deliver(deleted(entry))
        await harness.deliver(paid(entry))
        assert await allocation_of(harness, entry.entry_id) is None
