"""Delivery receipts: the providers' pushes set the message's delivery once; a push without the
secret path token, or malformed, is refused and changes nothing."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from sqlalchemy import update

from notification.config import NotificationSettings
from notification.main import build_spec
from notification.messages.models import SmsDelivery
from notification.sms.rules import SmsProvider
from skillcert.events import SmsCodeIssued
from skillcert.testing import ServiceHarness, eventually
from tests.conftest import RECEIPT_TOKEN
from tests.sms.conftest import ALIYUN_KEY, TEMPLATES, queue_sms, sms_row
from tests.sms.fakes import FakeAliyun

ALIYUN_URL = f"/api/v1/notification/sms-receipts/aliyun/{RECEIPT_TOKEN}"
TENCENT_URL = f"/api/v1/notification/sms-receipts/tencent/{RECEIPT_TOKEN}"


async def mark_sent(harness: ServiceHarness, sms_id, provider: str, provider_id: str) -> None:
    async with harness.ctx.sessionmaker() as session:
        await session.execute(
            update(SmsDelivery)
            .where(SmsDelivery.id == sms_id)
            .values(status="sent", provider=provider, provider_message_id=provider_id)
        )
        await session.commit()


def aliyun_report(out_id: str, biz_id: str = "900^0", success: bool = True) -> dict[str, object]:
    return {
        "phone_number": "13800138000",
        "send_time": "2026-12-08 11:00:00",
        "report_time": "2026-12-08 11:00:03",
        "success": success,
        "err_code": "DELIVERED" if success else "MK:0001",
        "err_msg": "用户接收成功" if success else "空号",
        "sms_size": "1",
        "biz_id": biz_id,
        "out_id": out_id,
    }


def tencent_report(sid: str, ok: bool = True) -> dict[str, object]:
    return {
        "user_receive_time": "2026-12-08 11:00:03",
        "nationcode": "86",
        "mobile": "13800138000",
        "report_status": "SUCCESS" if ok else "FAIL",
        "errmsg": "DELIVRD" if ok else "MI:0013",
        "description": "用户短信送达成功" if ok else "停机",
        "sid": sid,
    }


class TestAliyunReceipts:
    async def test_a_receipt_marks_the_message_delivered_once(self, harness: ServiceHarness):
        sms_id = await queue_sms(harness)
        await mark_sent(harness, sms_id, "aliyun", "900^0")
        client = harness.client
        assert client is not None
        answer = await client.post(ALIYUN_URL, json=[aliyun_report(str(sms_id))])
        assert (answer.status_code, answer.json()["code"]) == (200, 0)
        row = await sms_row(harness, sms_id)
        assert (row.delivery, row.delivery_error) == ("delivered", None)
        first_at = row.delivered_at
        # Pushed again, or contradicted late: the first receipt stands, and is acknowledged.
        again = await client.post(ALIYUN_URL, json=[aliyun_report(str(sms_id), success=False)])
        assert again.json()["code"] == 0
        row = await sms_row(harness, sms_id)
        assert (row.delivery, row.delivered_at) == ("delivered", first_at)

    async def test_an_undelivered_message_keeps_the_carriers_reason(self, harness: ServiceHarness):
        sms_id = await queue_sms(harness)
        await mark_sent(harness, sms_id, "aliyun", "901^0")
        # Matched by BizId when the OutId is not ours.
        report = aliyun_report("", biz_id="901^0", success=False)
        assert (await harness.client.post(ALIYUN_URL, json=[report])).json()["code"] == 0
        row = await sms_row(harness, sms_id)
        assert (row.delivery, row.delivery_error) == ("undelivered", "MK:0001 空号")

    async def test_a_receipt_without_the_token_is_refused(self, harness: ServiceHarness):
        sms_id = await queue_sms(harness)
        await mark_sent(harness, sms_id, "aliyun", "902^0")
        for url in (
            "/api/v1/notification/sms-receipts/aliyun/wrong-token",
            f"/api/v1/notification/sms-receipts/aliyun/{RECEIPT_TOKEN}x",
        ):
            answer = await harness.client.post(url, json=[aliyun_report(str(sms_id))])
            assert (answer.status_code, answer.json()["code"]) == (403, 1)
        assert (await sms_row(harness, sms_id)).delivery is None

    async def test_a_malformed_receipt_is_refused(self, harness: ServiceHarness):
        answer = await harness.client.post(ALIYUN_URL, json={"phone_number": "13800138000"})
        assert (answer.status_code, answer.json()["code"]) == (400, 1)

    async def test_a_receipt_for_an_unknown_message_is_not_taken_so_it_comes_again(
        self, harness: ServiceHarness
    ):
        answer = await harness.client.post(ALIYUN_URL, json=[aliyun_report(str(uuid4()))])
        assert (answer.status_code, answer.json()["code"]) == (200, 1)


class TestTencentReceipts:
    async def test_a_status_callback_marks_the_message_by_its_serial(self, harness: ServiceHarness):
        delivered, failed = await queue_sms(harness), await queue_sms(harness, "13800138001")
        await mark_sent(harness, delivered, "tencent", "2645:1")
        await mark_sent(harness, failed, "tencent", "2645:2")
        batch = [tencent_report("2645:1"), tencent_report("2645:2", ok=False)]
        answer = await harness.client.post(TENCENT_URL, json=batch)
        assert answer.json() == {"result": 0, "errmsg": "OK"}
        assert (await sms_row(harness, delivered)).delivery == "delivered"
        row = await sms_row(harness, failed)
        assert (row.delivery, row.delivery_error) == ("undelivered", "MI:0013 停机")
        # The same serial from another provider's message is not this one.
        assert (await harness.client.post(ALIYUN_URL, json=[aliyun_report("", "2645:1")])).json()[
            "code"
        ] == 1

    async def test_a_callback_without_the_token_is_refused(self, harness: ServiceHarness):
        sms_id = await queue_sms(harness)
        await mark_sent(harness, sms_id, "tencent", "2645:3")
        answer = await harness.client.post(
            "/api/v1/notification/sms-receipts/tencent/guess", json=[tencent_report("2645:3")]
        )
        assert (answer.status_code, answer.json()["result"]) == (403, 1)
        assert (await sms_row(harness, sms_id)).delivery is None


@pytest.fixture(scope="module")
async def aliyun_harness() -> AsyncIterator[tuple[ServiceHarness, FakeAliyun]]:
    with FakeAliyun({ALIYUN_KEY[0]: ALIYUN_KEY[1]}).running() as fake:
        settings = NotificationSettings(
            sms_provider=SmsProvider.ALIYUN,
            aliyun_access_key_id=ALIYUN_KEY[0],
            aliyun_access_key_secret=ALIYUN_KEY[1],
            aliyun_sms_endpoint=fake.url,
            sms_templates=TEMPLATES,
            sms_receipt_token=RECEIPT_TOKEN,
            sms_poll_interval_s=0.1,
        )
        async with ServiceHarness(lambda: build_spec(settings)) as h:
            yield h, fake  # type: ignore[misc]


async def test_configured_for_aliyun_a_code_goes_out_and_its_receipt_comes_back(
    aliyun_harness: tuple[ServiceHarness, FakeAliyun],
):
    """The whole way: the event, the service's own sender job, the provider, the receipt."""
    harness, fake = aliyun_harness
    await harness.deliver(
        SmsCodeIssued(
            phone="13900139000",
            code="771204",
            purpose="login",
            expires_at=datetime.now(UTC) + timedelta(minutes=5),
        )
    )

    async def accepted():
        return [r for r in fake.accepted if r["PhoneNumbers"] == "13900139000"] or None

    [request] = await eventually(accepted)
    assert request["TemplateCode"] == "SMS_465300001"
    assert request["TemplateParam"] == '{"code":"771204","minutes":"5"}'
    row = await eventually(lambda: _sent(harness, request["OutId"]))
    report = aliyun_report(request["OutId"], biz_id=row.provider_message_id)
    answer = await harness.client.post(ALIYUN_URL, json=[report])
    assert answer.json()["code"] == 0
    assert (await sms_row(harness, row.id)).delivery == "delivered"


async def _sent(harness: ServiceHarness, sms_id: str) -> SmsDelivery | None:
    from uuid import UUID

    row = await sms_row(harness, UUID(sms_id))
    return row if row.status == "sent" else None
