from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import pytest

from notification.messages.models import SmsDelivery
from notification.sms.rules import ProviderTemplate
from skillcert.testing import ServiceHarness
from tests.sms.fakes import FakeAliyun, FakeTencent

ALIYUN_KEY = ("LTAI5tFakeKeyId", "aliyun-secret-of-the-test")
TENCENT_KEY = ("AKIDfakeSecretIdForTests", "tencent-secret-of-the-test")

TEMPLATES = {
    "sms_code": ProviderTemplate(
        template_code="SMS_465300001", sign_name="技能等级认定", params=["code", "minutes"]
    ),
    "certificate_issued": ProviderTemplate(
        template_code="2204101", sign_name="技能等级认定", params=["certificate_number"]
    ),
}

#: Rows are due "tomorrow", so the service's own sender job (the dev sender) leaves them to the
#: test, which sends them with `as_of=LATER`.
NOW = datetime.now(UTC)
LATER = NOW + timedelta(days=2)


@pytest.fixture
def aliyun() -> Iterator[FakeAliyun]:
    with FakeAliyun({ALIYUN_KEY[0]: ALIYUN_KEY[1]}).running() as fake:
        yield fake  # type: ignore[misc]


@pytest.fixture
def tencent() -> Iterator[FakeTencent]:
    with FakeTencent({TENCENT_KEY[0]: TENCENT_KEY[1]}).running() as fake:
        yield fake  # type: ignore[misc]


async def queue_sms(
    harness: ServiceHarness,
    phone: str = "13800138000",
    template_code: str = "sms_code",
    params: dict[str, object] | None = None,
) -> UUID:
    sms_id = uuid4()
    async with harness.ctx.sessionmaker() as session:
        session.add(
            SmsDelivery(
                id=sms_id,
                phone=phone,
                body="【技能等级认定】您的验证码为482913，5分钟内有效。",
                template_code=template_code,
                params=params if params is not None else {"code": "482913", "minutes": "5"},
                status="pending",
                attempts=0,
                created_at=NOW,
                next_attempt_at=NOW + timedelta(days=1),
            )
        )
        await session.commit()
    return sms_id


async def sms_row(harness: ServiceHarness, sms_id: UUID) -> SmsDelivery:
    async with harness.ctx.sessionmaker() as session:
        row = await session.get(SmsDelivery, sms_id)
    assert row is not None
    return row
