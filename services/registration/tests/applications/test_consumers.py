"""The journey other services report, applied once per message."""

from datetime import UTC, datetime
from decimal import Decimal
from uuid import UUID, uuid4

import pytest
from sqlalchemy import select

from registration.applications.models import Application, StatusChange
from skillcert.bus import RetryLater
from skillcert.events import (
    ApplicationApproved,
    ApplicationRejected,
    CandidateScheduled,
    CertificateIssued,
    Event,
    OrderPaid,
    RejectionReason,
    ResultDetermined,
    SubjectScore,
)
from skillcert.testing import ServiceHarness
from tests.conftest import Kit, resident_id, seed_application


async def stored(harness: ServiceHarness, application_id: UUID) -> Application:
    async with harness.ctx.sessionmaker() as session:
        application = await session.get(Application, application_id)
        assert application is not None
        return application


async def history(harness: ServiceHarness, application_id: UUID) -> list[str]:
    async with harness.ctx.sessionmaker() as session:
        query = (
            select(StatusChange.to_status)
            .where(StatusChange.application_id == application_id)
            .order_by(StatusChange.at)
        )
        return list((await session.execute(query)).scalars())


def approved(a: Application, revision: int | None = None) -> ApplicationApproved:
    return ApplicationApproved(
        application_id=a.id,
        candidate_id=a.candidate_id,
        plan_id=a.plan_id,
        revision=a.revision if revision is None else revision,
        candidate_name="张三",
        id_number=resident_id(),
        decided_at=datetime.now(UTC),
    )


def rejected(a: Application) -> ApplicationRejected:
    return ApplicationRejected(
        application_id=a.id,
        candidate_id=a.candidate_id,
        plan_id=a.plan_id,
        revision=a.revision,
        reasons=[RejectionReason(code="photo", text="照片不是白底证件照")],
        decided_at=datetime.now(UTC),
    )


def paid(a: Application) -> OrderPaid:
    return OrderPaid(
        order_id=uuid4(),
        application_id=a.id,
        candidate_id=a.candidate_id,
        plan_id=a.plan_id,
        amount_fen=38000,
        provider_transaction_id="4200000000202611230001",
        paid_at=datetime.now(UTC),
    )


def scheduled(a: Application) -> CandidateScheduled:
    return CandidateScheduled(
        application_id=a.id,
        candidate_id=a.candidate_id,
        plan_id=a.plan_id,
        candidate_name="张三",
        id_number=resident_id(),
        ticket_number="2611010010203",
        institution_id="INST-DEMO",
        institution_name="示例职业技术学院",
        site_name="示例职业技术学院考点",
        room_name="第3考场",
        seat_number=12,
        exam_starts_at=datetime.now(UTC),
    )


def result(a: Application, outcome: str = "pass") -> ResultDetermined:
    return ResultDetermined(
        application_id=a.id,
        candidate_id=a.candidate_id,
        plan_id=a.plan_id,
        ticket_number="2611010010203",
        candidate_name="张三",
        id_number=resident_id(),
        institution_id="INST-DEMO",
        institution_name="示例职业技术学院",
        result=outcome,  # type: ignore[arg-type]
        subject_scores=[SubjectScore(subject_code="T", score=Decimal("82"), passed=True)],
        determined_at=datetime.now(UTC),
    )


def issued(a: Application) -> CertificateIssued:
    return CertificateIssued(
        certificate_id=uuid4(),
        certificate_number="Y000011000000001",
        application_id=a.id,
        candidate_id=a.candidate_id,
        plan_id=a.plan_id,
        issued_at=datetime.now(UTC),
    )


class TestApplicationApproved:
    async def test_same_message_twice_approves_once(self, harness: ServiceHarness):
        a = await seed_application(harness)
        event = approved(a)
        await harness.deliver(event)
        await harness.deliver(event)
        assert (await stored(harness, a.id)).status == "approved"
        assert await history(harness, a.id) == ["approved"]

    async def test_decision_on_an_older_revision_is_ignored(self, harness: ServiceHarness):
        a = await seed_application(harness, revision=2)
        await harness.deliver(approved(a, revision=1))
        assert (await stored(harness, a.id)).status == "submitted"

    async def test_decision_on_a_revision_not_yet_seen_is_retried(self, harness: ServiceHarness):
        a = await seed_application(harness, revision=1)
        with pytest.raises(RetryLater, match="before its submission"):
            await harness.deliver(approved(a, revision=2))
        assert (await stored(harness, a.id)).status == "submitted"


class TestApplicationRejected:
    async def test_same_message_twice_rejects_once_with_reasons(self, harness: ServiceHarness):
        a = await seed_application(harness)
        event = rejected(a)
        await harness.deliver(event)
        await harness.deliver(event)
        after = await stored(harness, a.id)
        assert after.status == "rejected"
        assert after.rejection_reasons == [{"code": "photo", "text": "照片不是白底证件照"}]
        assert await history(harness, a.id) == ["rejected"]

    async def test_rejected_application_can_be_resubmitted(self, kit: Kit, harness: ServiceHarness):
        headers, _, body = await kit.submitted_application()
        await harness.deliver(rejected(await stored(harness, UUID(body["id"]))))
        detail = await kit.get(headers, body["id"])
        assert detail["status_label"] == "审核不通过"
        assert detail["rejection_reasons"][0]["text"] == "照片不是白底证件照"
        again = await kit.submit(headers, body["id"])
        assert again.status_code == 200, again.text
        assert again.json()["revision"] == 2
        assert (await kit.get(headers, body["id"]))["rejection_reasons"] == []
        [event] = await harness.outbox("registration.application.resubmitted.v1")
        assert event.revision == 2  # type: ignore[attr-defined]


class TestJourneyEvents:
    @pytest.mark.parametrize(
        ("start", "make", "status"),
        [
            ("approved", paid, "paid"),
            ("paid", scheduled, "scheduled"),
            ("scheduled", result, "result_pass"),
            ("result_pass", issued, "certified"),
        ],
    )
    async def test_same_message_twice_moves_once(
        self, harness: ServiceHarness, start: str, make, status: str
    ):
        a = await seed_application(harness, status=start)
        event: Event = make(a)
        await harness.deliver(event)
        await harness.deliver(event)
        assert (await stored(harness, a.id)).status == status
        assert await history(harness, a.id) == [status]

    async def test_scheduling_keeps_the_ticket_number(self, harness: ServiceHarness):
        a = await seed_application(harness, status="paid")
        await harness.deliver(scheduled(a))
        assert (await stored(harness, a.id)).ticket_number == "2611010010203"

    async def test_a_failed_result(self, harness: ServiceHarness):
        a = await seed_application(harness, status="scheduled")
        await harness.deliver(result(a, "fail"))
        assert (await stored(harness, a.id)).status == "result_fail"

    async def test_certificate_keeps_its_number(self, harness: ServiceHarness):
        a = await seed_application(harness, status="result_pass")
        await harness.deliver(issued(a))
        assert (await stored(harness, a.id)).certificate_number == "Y000011000000001"

    async def test_payment_before_approval_is_retried_not_lost(self, harness: ServiceHarness):
        a = await seed_application(harness, status="submitted")
        event = paid(a)
        with pytest.raises(RetryLater, match="pay"):
            await harness.deliver(event)
        await harness.deliver(approved(a))
        await harness.deliver(event, attempt=2)  # the bus's retry
        assert (await stored(harness, a.id)).status == "paid"

    async def test_events_for_a_withdrawn_application_are_ignored(self, harness: ServiceHarness):
        a = await seed_application(harness, status="withdrawn")
        await harness.deliver(paid(a))
        assert (await stored(harness, a.id)).status == "withdrawn"
