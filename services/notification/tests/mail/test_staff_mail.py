"""Staff e-mail over SMTP, against a local SMTP server (aiosmtpd) on 127.0.0.1."""

import socket
from collections.abc import AsyncIterator, Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from uuid import uuid4

import pytest
from aiosmtpd.controller import Controller
from pydantic import ValidationError
from sqlalchemy import select

from notification.config import NotificationSettings
from notification.main import build_spec
from notification.messages.models import SmsDelivery
from skillcert.crypto import blind_index
from skillcert.events import AccountCredentialsIssued
from skillcert.settings import Profile
from skillcert.testing import ServiceHarness


class Inbox:
    """The SMTP server's handler: keeps what it is given, or refuses every recipient."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], EmailMessage]] = []
        self.refuse = False

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse:
            return "550 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted"


@pytest.fixture(scope="module")
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    with socket.socket() as probe:  # a free port: the controller's own start-up check needs one
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@pytest.fixture(scope="module")
async def mail_harness(smtp: tuple[Inbox, int]) -> AsyncIterator[ServiceHarness]:
    _, port = smtp
    settings = NotificationSettings(
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_security="none",
        smtp_sender="技能等级认定平台 <noreply@skillcert.test>",
    )
    async with ServiceHarness(lambda: build_spec(settings)) as harness:
        yield harness


def credentials(email: str | None, phone: str = "13800138055") -> AccountCredentialsIssued:
    return AccountCredentialsIssued(
        account_id=uuid4(),
        phone=phone,
        username="jk.wangfang",
        password="Start-7q2w",
        name="王芳",
        email=email,
    )


async def test_a_staff_members_first_password_goes_to_their_email_once(
    mail_harness: ServiceHarness, smtp: tuple[Inbox, int]
):
    inbox, _ = smtp
    inbox.messages.clear()
    event = credentials("wangfang@school.example.cn")
    await mail_harness.deliver(event)
    await mail_harness.deliver(event)  # redelivered: handled once
    [(sender, recipients, message)] = inbox.messages
    assert sender == "noreply@skillcert.test"
    assert recipients == ["wangfang@school.example.cn"]
    assert message["Subject"] == "账号已开通"
    body = message.get_content()
    assert "账号：jk.wangfang" in body and "初始密码：Start-7q2w" in body
    # The SMS goes out as before.
    async with mail_harness.ctx.sessionmaker() as session:
        sms = (await session.execute(select(SmsDelivery.phone))).scalars().all()
    assert "13800138055" in sms


async def test_no_email_no_mail(mail_harness: ServiceHarness, smtp: tuple[Inbox, int]):
    inbox, _ = smtp
    inbox.messages.clear()
    await mail_harness.deliver(credentials(None))
    assert inbox.messages == []


async def test_a_refused_mail_fails_the_delivery_so_the_bus_retries(
    mail_harness: ServiceHarness, smtp: tuple[Inbox, int]
):
    inbox, _ = smtp
    inbox.messages.clear()
    inbox.refuse = True
    event = credentials("nobody@school.example.cn", phone="13800138066")
    try:
        with pytest.raises(Exception, match=r"550|refused"):
            await mail_harness.deliver(event)
    finally:
        inbox.refuse = False
    # Its retry, the server willing again, sends it; the failed attempt's SMS row was rolled
    # back with it, so the phone gets one SMS.
    await mail_harness.deliver(event, attempt=2)
    assert [m[1] for m in inbox.messages] == [["nobody@school.example.cn"]]
    async with mail_harness.ctx.sessionmaker() as session:
        phones = (
            (
                await session.execute(
                    select(SmsDelivery.phone).where(
                        SmsDelivery.phone_hash == blind_index("13800138066")
                    )
                )
            )
            .scalars()
            .all()
        )
    assert phones == ["13800138066"]


def test_plain_smtp_to_another_host_is_refused_in_prod():
    with pytest.raises(ValidationError, match="smtp_security none"):
        NotificationSettings(
            profile=Profile.PROD,
            s3_secret_key="s",
            sms_provider="tencent",
            tencent_secret_id="id",
            tencent_secret_key="key",
            tencent_sms_sdk_app_id="1400",
            sms_receipt_token="t" * 32,
            sms_templates={"sms_code": {"template_code": "1", "sign_name": "x"}},
            smtp_host="smtp.example.cn",
            smtp_security="none",
        )
