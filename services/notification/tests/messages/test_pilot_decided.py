"""证书试点申报审核结果 reaches the applicant: in-app to the submitting account, by SMS to the
head's registered phone; once however often it is delivered; retried, then dead-lettered."""

from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

from sqlalchemy import delete, func, select

from notification.messages.models import InboxMessage, MessageTemplate, SmsDelivery
from notification.messages.service import seed_templates
from skillcert.events import PilotDecided
from skillcert.testing import ServiceHarness, eventually


def decided(**changes: Any) -> PilotDecided:
    values: dict[str, Any] = {
        "decision_id": uuid4(),
        "application_id": uuid4(),
        "institution_code": "4132012804",
        "institution_name": "南京工业职业技术大学",
        "certificate_code": "4-01-02-02",
        "certificate_name": "电子商务师职业技能等级证书",
        "year": 2026,
        "level": "province",
        "outcome": "approved",
        "approved_headcount": 100,
        "recipient_id": uuid4(),
        "phone": "13800138002",
        "decided_at": datetime.now(UTC),
    }
    return PilotDecided(**(values | changes))


async def count(harness: ServiceHarness, model: type) -> int:
    async with harness.ctx.sessionmaker() as session:
        return int((await session.execute(select(func.count()).select_from(model))).scalar_one())


class TestPilotDecided:
    async def test_an_approval_in_app_and_by_sms_once(self, harness: ServiceHarness):
        event = decided()
        await harness.deliver(event)
        await harness.deliver(event)  # redelivered: nothing more
        async with harness.ctx.sessionmaker() as session:
            inbox = (await session.execute(select(InboxMessage))).scalars().all()
            sms = (await session.execute(select(SmsDelivery))).scalars().all()
        assert [(m.recipient_id, m.title) for m in inbox] == [
            (event.recipient_id, "证书试点申报审核通过")
        ]
        assert "批准培训人数 100 人" in inbox[0].body
        assert [(s.phone, s.template_code) for s in sms] == [("13800138002", "pilot_approved")]
        assert "2026年“电子商务师职业技能等级证书”" in sms[0].body

    async def test_a_city_rejection_names_the_city_and_the_reason(self, harness: ServiceHarness):
        await harness.deliver(
            decided(
                level="city",
                outcome="rejected",
                approved_headcount=None,
                reason="场地不足",
                phone=None,
            )
        )
        async with harness.ctx.sessionmaker() as session:
            (item,) = (await session.execute(select(InboxMessage))).scalars().all()
        assert "经市级教育行政部门审核不通过，原因：场地不足" in item.body
        assert await count(harness, SmsDelivery) == 0  # no phone known: in-app only

    async def test_a_failing_handler_is_retried_then_dead_lettered(self, harness: ServiceHarness):
        async with harness.ctx.sessionmaker() as session:
            await session.execute(
                delete(MessageTemplate).where(MessageTemplate.code == "pilot_approved")
            )
            await session.commit()
        event = decided()
        await harness.publish(event)

        async def parked():
            letters = await harness.ctx.bus.dead_letters("notification")
            return [d for d in letters if d.message_id == str(event.event_id)]

        letters = await eventually(parked, timeout_s=15)
        assert letters[0].attempts == 3
        assert await count(harness, InboxMessage) == 0
        async with harness.ctx.sessionmaker() as session:
            await seed_templates(session)
            await session.commit()
        assert await harness.ctx.bus.replay_dead_letters("notification") >= 1

        async def delivered():
            return await count(harness, InboxMessage)

        assert await eventually(delivered) == 1
