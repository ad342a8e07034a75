"""Consumers against the real database and broker: idempotent, retried, dead-lettered."""

from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

from sqlalchemy import delete, func, select

from notification.messages.models import InboxMessage, MessageTemplate, SmsDelivery
from notification.messages.service import deliver_due_sms
from notification.plans.models import PlanTitle
from notification.sms.rules import SmsProvider
from notification.sms.senders import OutgoingSms
from skillcert.auth import Role
from skillcert.crypto import blind_index
from skillcert.events import (
    AccountCredentialsIssued,
    AccountRegistered,
    ApplicationApproved,
    ApplicationRejected,
    CandidateScheduled,
    ExamPlanPublished,
    RejectionReason,
    SmsCodeIssued,
)
from skillcert.testing import ServiceHarness, assert_problem, eventually


def approved(candidate_id=None) -> ApplicationApproved:
    return ApplicationApproved(
        application_id=uuid4(),
        candidate_id=candidate_id or uuid4(),
        plan_id=uuid4(),
        revision=1,
        candidate_name="张三",
        id_number="110101199003074514",
        decided_at=datetime.now(UTC),
    )


def plan_published(plan_id: UUID, title: str) -> ExamPlanPublished:
    now = datetime.now(UTC)
    return ExamPlanPublished(
        plan_id=plan_id,
        org_id="ORG-DEMO",
        org_name="示例培训评价组织",
        title=title,
        occupation_code="4-01-02-02",
        occupation_name="电子商务师",
        level=4,
        level_name="四级/中级工",
        registration_opens_at=now - timedelta(days=5),
        registration_closes_at=now + timedelta(days=10),
        exam_starts_at=now + timedelta(days=30),
        exam_ends_at=now + timedelta(days=30, hours=3),
        fee_fen=15000,
        subjects=[],
    )


async def count(harness: ServiceHarness, model: type) -> int:
    async with harness.ctx.sessionmaker() as session:
        return int((await session.execute(select(func.count()).select_from(model))).scalar_one())


class TestSmsCodeIssued:
    async def test_queues_the_code_and_the_sender_marks_it_sent(self, harness: ServiceHarness):
        event = SmsCodeIssued(
            phone="13800138000",
            code="482913",
            purpose="register",
            expires_at=datetime.now(UTC) + timedelta(minutes=5),
        )
        await harness.publish(event)

        async def sent():
            async with harness.ctx.sessionmaker() as session:
                sms = (await session.execute(select(SmsDelivery))).scalars().first()
            return sms if sms is not None and sms.status == "sent" else None

        sms = await eventually(sent)
        assert "482913" in sms.body
        assert "5分钟" in sms.body


class TestAccountCredentialsIssued:
    async def test_the_login_name_and_password_reach_the_phone_once(self, harness: ServiceHarness):
        event = AccountCredentialsIssued(
            account_id=uuid4(),
            phone="13800138001",
            username="i4111010028",
            password="Start-4a9x",
            name="首都师范大学负责人",
        )
        await harness.deliver(event)
        await harness.deliver(event)  # redelivered: one SMS
        async with harness.ctx.sessionmaker() as session:
            sms = (await session.execute(select(SmsDelivery))).scalars().all()
        assert [(s.phone, s.template_code) for s in sms] == [("13800138001", "account_credentials")]
        assert "账号：i4111010028" in sms[0].body and "初始密码：Start-4a9x" in sms[0].body


class TestCandidateScheduled:
    async def test_the_candidate_reads_the_exam_time_in_china_time(self, harness: ServiceHarness):
        account_id = uuid4()
        await harness.deliver(
            AccountRegistered(
                account_id=account_id, phone="13912345678", name="李四", role="candidate"
            )
        )
        scheduled = CandidateScheduled(
            application_id=uuid4(),
            candidate_id=account_id,
            plan_id=uuid4(),
            candidate_name="李四",
            id_number="110101199003074514",
            ticket_number="T2099000001",
            institution_id="INST-DEMO",
            institution_name="示例职业技术学院",
            site_name="第一考点",
            room_name="101",
            seat_number=7,
            # 01:30 UTC is 09:30 in China: the server's own zone (UTC) would say 01:30.
            exam_starts_at=datetime(2099, 3, 1, 1, 30, tzinfo=UTC),
        )
        await harness.deliver(scheduled)
        async with harness.ctx.sessionmaker() as session:
            inbox = (
                await session.execute(
                    select(InboxMessage.body).where(
                        InboxMessage.source_event_id == scheduled.event_id
                    )
                )
            ).scalar_one()
            sms = (
                await session.execute(
                    select(SmsDelivery.body).where(
                        SmsDelivery.template_code == "candidate_scheduled"
                    )
                )
            ).scalar_one()
        assert "考试时间 2099-03-01 09:30。" in inbox
        assert "考试时间2099-03-01 09:30，" in sms


class TestExamPlanPublished:
    async def test_an_older_publication_arriving_late_keeps_the_newer_title(
        self, harness: ServiceHarness
    ):
        plan_id = uuid4()
        first = plan_published(plan_id, "2026年电子商务师四级")
        newer = first.model_copy(
            update={"occurred_at": first.occurred_at + timedelta(hours=2), "title": "更正后的标题"}
        )
        older = first.model_copy(
            update={
                "event_id": uuid4(),
                "occurred_at": first.occurred_at + timedelta(hours=1),
                "title": "过时的标题",
            }
        )
        await harness.deliver(newer)
        await harness.deliver(older)
        async with harness.ctx.sessionmaker() as session:
            titles = (await session.execute(select(PlanTitle.title))).scalars().all()
        assert titles == ["更正后的标题"]


class TestApplicationApproved:
    async def test_same_message_twice_creates_one_inbox_item(self, harness: ServiceHarness):
        event = approved()
        await harness.deliver(event)
        await harness.deliver(event)
        assert await count(harness, InboxMessage) == 1

    async def test_texts_name_the_plan_once_its_publication_arrived(self, harness: ServiceHarness):
        event = approved()
        unknown = approved(event.candidate_id)
        await harness.deliver(unknown)
        await harness.deliver(plan_published(event.plan_id, "2026年电子商务师四级"))
        await harness.deliver(event)
        async with harness.ctx.sessionmaker() as session:
            bodies = dict(
                (
                    await session.execute(select(InboxMessage.source_event_id, InboxMessage.body))
                ).all()
            )
        assert "2026年电子商务师四级" in bodies[event.event_id]
        assert "考试计划" in bodies[unknown.event_id]
        assert "2026年电子商务师四级" not in bodies[unknown.event_id]

    async def test_sms_goes_to_the_registered_phone(self, harness: ServiceHarness):
        account_id = uuid4()
        await harness.deliver(
            AccountRegistered(
                account_id=account_id, phone="13912345678", name="李四", role="candidate"
            )
        )
        await harness.deliver(approved(account_id))
        async with harness.ctx.sessionmaker() as session:
            phones = (await session.execute(select(SmsDelivery.phone))).scalars().all()
        assert phones == ["13912345678"]

    async def test_failing_handler_is_retried_then_dead_lettered_and_replay_works(
        self, harness: ServiceHarness
    ):
        # Without its template the handler fails every time.
        async with harness.ctx.sessionmaker() as session:
            await session.execute(
                delete(MessageTemplate).where(MessageTemplate.code == "application_rejected")
            )
            await session.commit()
        event = ApplicationRejected(
            application_id=uuid4(),
            candidate_id=uuid4(),
            plan_id=uuid4(),
            revision=1,
            reasons=[RejectionReason(code="photo", text="照片不符合要求")],
            decided_at=datetime.now(UTC),
        )
        await harness.publish(event)

        async def parked():
            letters = await harness.ctx.bus.dead_letters("notification")
            return [d for d in letters if d.message_id == str(event.event_id)]

        letters = await eventually(parked, timeout_s=15)
        assert letters[0].attempts == 3  # first try + two retries (100 ms, 200 ms)
        assert "message template" in letters[0].error
        assert await count(harness, InboxMessage) == 0

        from notification.messages.service import seed_templates

        async with harness.ctx.sessionmaker() as session:
            await seed_templates(session)
            await session.commit()
        assert await harness.ctx.bus.replay_dead_letters("notification") >= 1

        async def delivered():
            return await count(harness, InboxMessage)

        assert await eventually(delivered) == 1
        assert await harness.ctx.bus.dead_letters("notification") == []


class TestInboxRouter:
    async def test_candidate_sees_only_own_messages_newest_first_paginated(
        self, harness: ServiceHarness
    ):
        me = uuid4()
        for _ in range(3):
            await harness.deliver(approved(me))
        await harness.deliver(approved())
        client = harness.client
        headers = harness.headers(Role.CANDIDATE, account_id=me)
        first = (await client.get("/api/v1/notification/inbox?limit=2", headers=headers)).json()
        assert len(first["items"]) == 2 and first["next_cursor"]
        second = (
            await client.get(
                f"/api/v1/notification/inbox?limit=2&cursor={first['next_cursor']}",
                headers=headers,
            )
        ).json()
        assert len(second["items"]) == 1 and second["next_cursor"] is None
        ids = {i["id"] for i in first["items"] + second["items"]}
        assert len(ids) == 3

        unread = await client.get("/api/v1/notification/inbox/unread-count", headers=headers)
        assert unread.json() == {"unread": 3}
        item = first["items"][0]["id"]
        assert (
            await client.post(f"/api/v1/notification/inbox/{item}/read", headers=headers)
        ).status_code == 204
        unread = await client.get("/api/v1/notification/inbox/unread-count", headers=headers)
        assert unread.json() == {"unread": 2}

    async def test_without_token_is_401_problem(self, harness: ServiceHarness):
        response = await harness.client.get("/api/v1/notification/inbox")
        assert_problem(response, 401)

    async def test_bad_cursor_is_422_with_field(self, harness: ServiceHarness):
        response = await harness.client.get(
            "/api/v1/notification/inbox?cursor=%%%",
            headers=harness.headers(Role.CANDIDATE),
        )
        assert_problem(response, 422, "cursor")

    async def test_cursor_without_position_is_422_not_500(self, harness: ServiceHarness):
        from skillcert.paging import encode_cursor

        response = await harness.client.get(
            "/api/v1/notification/inbox",
            params={"cursor": encode_cursor({"x": 1})},
            headers=harness.headers(Role.CANDIDATE),
        )
        assert_problem(response, 422, "cursor")

    async def test_marking_someone_elses_message_is_404(self, harness: ServiceHarness):
        owner = uuid4()
        await harness.deliver(approved(owner))
        async with harness.ctx.sessionmaker() as session:
            item_id = (await session.execute(select(InboxMessage.id))).scalar_one()
        response = await harness.client.post(
            f"/api/v1/notification/inbox/{item_id}/read",
            headers=harness.headers(Role.CANDIDATE),
        )
        assert_problem(response, 404, slug="not-found")

    async def test_dev_outbox_rejects_malformed_phone(self, harness: ServiceHarness):
        response = await harness.client.get(
            "/api/v1/notification/dev/sms?phone=123", headers=harness.headers(Role.OPS)
        )
        assert_problem(response, 422, "query.phone")


class TestLaterSteps:
    async def test_forfeit_refund_and_revocation_reach_the_inbox_once_each(
        self, harness: ServiceHarness
    ):
        from skillcert.events import ApplicationForfeited, CertificateRevoked, OrderRefunded

        me = uuid4()
        events = [
            ApplicationForfeited(
                application_id=uuid4(), candidate_id=me, plan_id=uuid4(), reason="未寄送纸质材料"
            ),
            OrderRefunded(
                order_id=uuid4(),
                application_id=uuid4(),
                candidate_id=me,
                plan_id=uuid4(),
                amount_fen=30000,
                refunded_at=datetime.now(UTC),
            ),
            CertificateRevoked(
                certificate_id=uuid4(),
                certificate_number="2026ORGDEMO100000001",
                candidate_id=me,
                reason="信息有误",
                revoked_at=datetime.now(UTC),
            ),
        ]
        for event in events:
            await harness.deliver(event)
            await harness.deliver(event)
        async with harness.ctx.sessionmaker() as session:
            rows = (
                await session.execute(
                    select(InboxMessage.template_code, InboxMessage.body).order_by(
                        InboxMessage.template_code
                    )
                )
            ).all()
        assert [r.template_code for r in rows] == [
            "application_forfeited",
            "certificate_revoked",
            "order_refunded",
        ]
        bodies = {r.template_code: r.body for r in rows}
        assert "300.00" in bodies["order_refunded"]
        assert "未寄送纸质材料" in bodies["application_forfeited"]


class FlakySmsProvider:
    """The SMS provider (outside the platform): refuses the phones listed, once each."""

    provider = SmsProvider.DEV

    def __init__(self, refuse: set[str]) -> None:
        self.refuse = set(refuse)
        self.sent: list[str] = []

    async def send(self, sms: OutgoingSms) -> str | None:
        if sms.phone in self.refuse:
            self.refuse.discard(sms.phone)
            raise ConnectionError("provider unavailable")
        self.sent.append(sms.phone)
        return None

    async def aclose(self) -> None:
        return None


class TestSmsSender:
    async def test_a_batch_goes_out_and_a_refused_one_is_retried_later(
        self, harness: ServiceHarness
    ):
        at = datetime.now(UTC) - timedelta(seconds=1)
        async with harness.ctx.sessionmaker() as session:
            # Due only tomorrow, so the service's own sender loop leaves them to this test.
            for phone in ("13800000001", "13800000002", "13800000003"):
                session.add(
                    SmsDelivery(
                        phone=phone,
                        body="【测试】您好",
                        template_code="t",
                        status="pending",
                        attempts=0,
                        created_at=at,
                        next_attempt_at=at + timedelta(days=1),
                    )
                )
            await session.commit()
        provider = FlakySmsProvider(refuse={"13800000002"})
        tomorrow = at + timedelta(days=2)
        sessions = harness.ctx.sessionmaker
        assert await deliver_due_sms(sessions, provider, max_attempts=3, as_of=tomorrow) == 3
        async with harness.ctx.sessionmaker() as session:
            rows = {
                s.phone: (s.status, s.attempts, s.sent_at is not None, s.last_error is not None)
                for s in (await session.execute(select(SmsDelivery))).scalars()
            }
        assert rows == {
            "13800000001": ("sent", 1, True, False),
            "13800000002": ("pending", 1, False, True),
            "13800000003": ("sent", 1, True, False),
        }
        assert sorted(provider.sent) == ["13800000001", "13800000003"]
        # The next pass after its back-off sends it; the sent ones are not sent again.
        after_back_off = tomorrow + timedelta(minutes=5)
        assert await deliver_due_sms(sessions, provider, max_attempts=3, as_of=after_back_off) == 1
        async with harness.ctx.sessionmaker() as session:
            retried = (
                await session.execute(
                    select(SmsDelivery).where(SmsDelivery.phone_hash == blind_index("13800000002"))
                )
            ).scalar_one()
        assert (retried.status, retried.attempts) == ("sent", 2)
        assert sorted(provider.sent) == ["13800000001", "13800000002", "13800000003"]
