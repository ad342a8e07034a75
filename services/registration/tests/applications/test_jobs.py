"""The mail-in job: approved applications still without their paper forms after the deadline
are forfeited (seed 004)."""

from datetime import timedelta

from sqlalchemy import select

from registration.applications.jobs import forfeit_overdue
from registration.applications.models import Application, StatusChange
from skillcert.clock import china_today
from skillcert.events import ApplicationForfeited
from skillcert.testing import ServiceHarness
from tests.applications.test_consumers import paid, stored
from tests.applications.test_staff import application, plan

FORFEITED = "registration.application.forfeited.v1"


class TestForfeitJob:
    async def test_approved_and_paid_without_forms_forfeit_after_the_deadline(
        self, harness: ServiceHarness
    ):
        mail_plan = await plan(harness)
        approved = await application(harness, mail_plan)
        paid_one = await application(harness, mail_plan, status="paid")
        received = await application(harness, mail_plan)
        async with harness.ctx.sessionmaker() as session:
            row = await session.get(Application, received.id)
            assert row is not None
            row.mail_in_received_on = china_today()
            await session.commit()
        under_review = await application(harness, mail_plan, status="submitted")
        other_plan = await plan(harness, requires_mail_in=False)
        no_mail = await application(harness, other_plan)

        before_deadline = mail_plan.registration_closes_at - timedelta(minutes=1)
        assert await forfeit_overdue(harness.ctx, before_deadline) == 0

        after = mail_plan.registration_closes_at + timedelta(minutes=1)
        assert await forfeit_overdue(harness.ctx, after) == 2
        assert (await stored(harness, approved.id)).status == "forfeited"
        assert (await stored(harness, paid_one.id)).status == "forfeited"
        for untouched, status in (
            (received, "approved"),
            (under_review, "submitted"),
            (no_mail, "approved"),
        ):
            assert (await stored(harness, untouched.id)).status == status
        events = await harness.outbox(FORFEITED)
        assert {e.application_id for e in events if isinstance(e, ApplicationForfeited)} == {
            approved.id,
            paid_one.id,
        }
        assert all(isinstance(e, ApplicationForfeited) and "邮寄" in e.reason for e in events)

    async def test_running_twice_forfeits_once(self, harness: ServiceHarness):
        mail_plan = await plan(harness)
        row = await application(harness, mail_plan)
        after = mail_plan.registration_closes_at + timedelta(hours=1)
        assert await forfeit_overdue(harness.ctx, after) == 1
        assert await forfeit_overdue(harness.ctx, after) == 0
        assert len(await harness.outbox(FORFEITED)) == 1
        async with harness.ctx.sessionmaker() as session:
            changes = (
                await session.execute(
                    select(StatusChange.to_status).where(StatusChange.application_id == row.id)
                )
            ).scalars()
            assert list(changes) == ["forfeited"]

    async def test_a_payment_arriving_after_forfeiting_changes_nothing(
        self, harness: ServiceHarness
    ):
        mail_plan = await plan(harness)
        row = await application(harness, mail_plan)
        await forfeit_overdue(harness.ctx, mail_plan.registration_closes_at + timedelta(hours=1))
        await harness.deliver(paid(await stored(harness, row.id)))
        assert (await stored(harness, row.id)).status == "forfeited"

    async def test_batches_until_none_is_left(self, harness: ServiceHarness):
        settings = harness.ctx.settings
        batch = settings.forfeit_batch  # type: ignore[attr-defined]
        settings.forfeit_batch = 2  # type: ignore[attr-defined]
        try:
            mail_plan = await plan(harness)
            for _ in range(5):
                await application(harness, mail_plan)
            after = mail_plan.registration_closes_at + timedelta(hours=1)
            assert await forfeit_overdue(harness.ctx, after) == 5
        finally:
            settings.forfeit_batch = batch  # type: ignore[attr-defined]
