"""The senders against fake providers that check each request's signature as the real ones do:
what goes out, what a refusal does to the message (retry or fail for good)."""

import json
from datetime import datetime, timedelta

import pytest
from pydantic import ValidationError

from notification.config import NotificationSettings
from notification.messages.service import deliver_due_sms
from notification.sms.factory import build_sender
from notification.sms.rules import SmsProvider
from notification.sms.senders import AliyunSmsSender, DevSmsSender, TencentSmsSender
from skillcert.settings import Profile
from skillcert.testing import ServiceHarness
from tests.sms.conftest import ALIYUN_KEY, LATER, TEMPLATES, TENCENT_KEY, queue_sms, sms_row
from tests.sms.fakes import FakeAliyun, FakeTencent


def aliyun_sender(fake: FakeAliyun, secret: str = ALIYUN_KEY[1]) -> AliyunSmsSender:
    return AliyunSmsSender(
        access_key_id=ALIYUN_KEY[0],
        access_key_secret=secret,
        templates=TEMPLATES,
        endpoint=fake.url,
    )


def tencent_sender(fake: FakeTencent, secret: str = TENCENT_KEY[1]) -> TencentSmsSender:
    return TencentSmsSender(
        secret_id=TENCENT_KEY[0],
        secret_key=secret,
        sdk_app_id="1400000001",
        templates=TEMPLATES,
        endpoint=fake.url,
    )


async def send_due(
    harness: ServiceHarness, sender, max_attempts: int = 3, as_of: datetime = LATER
) -> int:
    try:
        return await deliver_due_sms(
            harness.ctx.sessionmaker, sender, max_attempts=max_attempts, as_of=as_of
        )
    finally:
        await sender.aclose()


class TestAliyun:
    async def test_the_approved_template_goes_out_signed_and_the_biz_id_is_kept(
        self, harness: ServiceHarness, aliyun: FakeAliyun
    ):
        sms_id = await queue_sms(harness)
        assert await send_due(harness, aliyun_sender(aliyun)) == 1
        [request] = aliyun.accepted
        assert request["PhoneNumbers"] == "13800138000"
        assert request["SignName"] == "技能等级认定"
        assert request["TemplateCode"] == "SMS_465300001"
        assert json.loads(request["TemplateParam"]) == {"code": "482913", "minutes": "5"}
        assert request["OutId"] == str(sms_id)
        row = await sms_row(harness, sms_id)
        assert (row.status, row.attempts, row.provider) == ("sent", 1, "aliyun")
        assert row.provider_message_id and row.provider_message_id.endswith("^0")

    async def test_a_wrong_secret_is_refused_by_the_provider_and_retried(
        self, harness: ServiceHarness, aliyun: FakeAliyun
    ):
        sms_id = await queue_sms(harness)
        await send_due(harness, aliyun_sender(aliyun, secret="not-the-secret"))
        assert aliyun.refused == ["SignatureDoesNotMatch"] and aliyun.accepted == []
        row = await sms_row(harness, sms_id)
        # A key mix-up is fixed by the operator; the message waits its back-off meanwhile.
        assert (row.status, row.attempts) == ("pending", 1)
        assert "SignatureDoesNotMatch" in (row.last_error or "")

    async def test_a_bad_number_fails_at_once_and_throttling_is_retried(
        self, harness: ServiceHarness, aliyun: FakeAliyun
    ):
        bad = await queue_sms(harness, phone="13800000001")
        throttled = await queue_sms(harness, phone="13800000002")
        # Rows go out oldest due first; both were queued at the same time, so script by phone
        # order is not guaranteed: give both codes and check each row by its error.
        aliyun.answer_next("isv.MOBILE_NUMBER_ILLEGAL", "isv.BUSINESS_LIMIT_CONTROL")
        await send_due(harness, aliyun_sender(aliyun))
        rows = {r.id: r for r in [await sms_row(harness, bad), await sms_row(harness, throttled)]}
        by_error = {(r.last_error or "").split(":")[0]: r for r in rows.values()}
        permanent = by_error["aliyun isv.MOBILE_NUMBER_ILLEGAL"]
        retried = by_error["aliyun isv.BUSINESS_LIMIT_CONTROL"]
        assert (permanent.status, permanent.attempts) == ("failed", 1)
        assert (retried.status, retried.attempts) == ("pending", 1)
        assert retried.next_attempt_at > LATER  # backed off
        # After its back-off the throttled one goes out; the failed one is never sent again.
        await send_due(harness, aliyun_sender(aliyun), as_of=LATER + timedelta(minutes=5))
        assert (await sms_row(harness, retried.id)).status == "sent"
        assert (await sms_row(harness, permanent.id)).status == "failed"
        assert [r["PhoneNumbers"] for r in aliyun.accepted] == [retried.phone]

    async def test_a_template_without_a_provider_template_fails_for_good(
        self, harness: ServiceHarness, aliyun: FakeAliyun
    ):
        sms_id = await queue_sms(harness, template_code="order_paid", params={})
        await send_due(harness, aliyun_sender(aliyun))
        row = await sms_row(harness, sms_id)
        assert (row.status, aliyun.accepted) == ("failed", [])
        assert "TemplateNotConfigured" in (row.last_error or "")

    async def test_retries_stop_at_the_limit(self, harness: ServiceHarness, aliyun: FakeAliyun):
        sms_id = await queue_sms(harness)
        aliyun.answer_next("isp.SYSTEM_ERROR", "isp.SYSTEM_ERROR")
        await send_due(harness, aliyun_sender(aliyun), max_attempts=2)
        later = LATER + timedelta(minutes=5)
        await send_due(harness, aliyun_sender(aliyun), max_attempts=2, as_of=later)
        row = await sms_row(harness, sms_id)
        assert (row.status, row.attempts) == ("failed", 2)


class TestTencent:
    async def test_the_approved_template_goes_out_signed_and_the_serial_is_kept(
        self, harness: ServiceHarness, tencent: FakeTencent
    ):
        sms_id = await queue_sms(
            harness, template_code="certificate_issued", params={"certificate_number": "C-1"}
        )
        assert await send_due(harness, tencent_sender(tencent)) == 1
        [request] = tencent.accepted
        assert request["body"] == {
            "PhoneNumberSet": ["+8613800138000"],
            "SmsSdkAppId": "1400000001",
            "SignName": "技能等级认定",
            "TemplateId": "2204101",
            "TemplateParamSet": ["C-1"],
            "SessionContext": str(sms_id),
        }
        assert request["headers"]["x-tc-region"] == "ap-guangzhou"
        row = await sms_row(harness, sms_id)
        assert (row.status, row.provider) == ("sent", "tencent")
        assert row.provider_message_id and row.provider_message_id.startswith("2645:")

    async def test_a_wrong_secret_is_refused_by_the_provider(
        self, harness: ServiceHarness, tencent: FakeTencent
    ):
        sms_id = await queue_sms(harness)
        await send_due(harness, tencent_sender(tencent, secret="not-the-secret"))
        assert tencent.refused == ["AuthFailure.SignatureFailure"] and tencent.accepted == []
        row = await sms_row(harness, sms_id)
        assert (row.status, row.attempts) == ("pending", 1)

    @pytest.mark.parametrize(
        ("code", "status"),
        [
            ("FailedOperation.TemplateIncorrectOrUnapproved", "failed"),
            ("LimitExceeded.PhoneNumberDailyLimit", "failed"),
            ("InvalidParameterValue.IncorrectPhoneNumber", "failed"),
            ("LimitExceeded.PhoneNumberThirtySecondLimit", "pending"),
            ("InternalError.Timeout", "pending"),
            ("RequestLimitExceeded", "pending"),
        ],
    )
    async def test_provider_codes_map_to_retry_or_permanent_failure(
        self, harness: ServiceHarness, tencent: FakeTencent, code: str, status: str
    ):
        sms_id = await queue_sms(harness)
        tencent.answer_next(code)
        await send_due(harness, tencent_sender(tencent))
        row = await sms_row(harness, sms_id)
        assert (row.status, row.attempts) == (status, 1)
        assert code in (row.last_error or "")

    async def test_an_unreachable_provider_is_retried(self, harness: ServiceHarness):
        sms_id = await queue_sms(harness)
        sender = TencentSmsSender(
            secret_id="x",
            secret_key="y",
            sdk_app_id="1",
            templates=TEMPLATES,
            endpoint="http://127.0.0.1:9",  # discard port: nothing listens
        )
        await send_due(harness, sender)
        row = await sms_row(harness, sms_id)
        assert (row.status, row.attempts) == ("pending", 1)
        assert "ConnectError" in (row.last_error or "")


class TestConfiguration:
    def test_the_provider_is_chosen_by_configuration(self):
        common = {"sms_receipt_token": "t" * 32, "sms_templates": TEMPLATES}
        aliyun = NotificationSettings(
            sms_provider=SmsProvider.ALIYUN,
            aliyun_access_key_id="id",
            aliyun_access_key_secret="secret",
            **common,
        )
        tencent = NotificationSettings(
            sms_provider=SmsProvider.TENCENT,
            tencent_secret_id="id",
            tencent_secret_key="secret",
            tencent_sms_sdk_app_id="1400",
            **common,
        )
        assert isinstance(build_sender(aliyun), AliyunSmsSender)
        assert isinstance(build_sender(tencent), TencentSmsSender)
        assert isinstance(build_sender(NotificationSettings(profile=Profile.TEST)), DevSmsSender)

    def test_production_refuses_the_development_sender(self):
        with pytest.raises(ValidationError, match="development sender"):
            NotificationSettings(
                profile=Profile.PROD, s3_secret_key="s3", sms_provider=SmsProvider.DEV
            )
        # …whereas a configured provider starts in prod.
        NotificationSettings(
            profile=Profile.PROD,
            s3_secret_key="s3",
            sms_provider=SmsProvider.TENCENT,
            tencent_secret_id="id",
            tencent_secret_key="secret",
            tencent_sms_sdk_app_id="1400",
            sms_receipt_token="t" * 32,
            sms_templates=TEMPLATES,
        )

    def test_a_half_configured_provider_is_refused_at_start(self):
        with pytest.raises(ValidationError) as refused:
            NotificationSettings(
                profile=Profile.PROD,
                s3_secret_key="s3",
                sms_provider=SmsProvider.ALIYUN,
                aliyun_access_key_id="id",
                sms_receipt_token="short",
            )
        message = str(refused.value)
        assert "aliyun_access_key_secret" in message and "sms_receipt_token" in message
        assert "sms_templates" in message

    def test_templates_come_from_json_configuration(self, monkeypatch: pytest.MonkeyPatch):
        monkeypatch.setenv(
            "NOTIFICATION_SMS_TEMPLATES",
            '{"sms_code": {"template_code": "SMS_1", "sign_name": "技能等级认定",'
            ' "params": ["code", "minutes"]}}',
        )
        settings = NotificationSettings(profile=Profile.TEST)
        assert settings.sms_templates["sms_code"].params == ["code", "minutes"]
