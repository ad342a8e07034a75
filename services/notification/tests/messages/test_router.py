"""The development SMS outbox shows anyone's login codes, enough to sign in as anyone: it exists
only where a developer switched it on (the dev profile does), never in prod, and even then only
ops may read it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from pydantic import ValidationError

from notification.config import NotificationSettings
from notification.main import build_spec
from notification.messages.router import dev_router
from skillcert.auth import Role
from skillcert.events import SmsCodeIssued
from skillcert.service import create_service_app
from skillcert.settings import Profile
from skillcert.testing import ServiceHarness, assert_problem, eventually
from skillcert.testing import TestTokens as Tokens

OUTBOX = "/api/v1/notification/dev/sms"
PHONE = "13800138001"
# Even an ops token finds nothing where the outbox does not exist.
_tokens = Tokens()
OPS_HEADERS = _tokens.headers(_tokens.principal(Role.OPS))


async def code_sent(harness: ServiceHarness) -> None:
    await harness.deliver(
        SmsCodeIssued(
            phone=PHONE,
            code="731946",
            purpose="login",
            expires_at=datetime.now(UTC) + timedelta(minutes=5),
        )
    )


class TestDevSmsOutbox:
    async def test_without_a_token_401(self, harness: ServiceHarness):
        await code_sent(harness)
        response = await harness.client.get(OUTBOX, params={"phone": PHONE})
        assert_problem(response, 401)
        assert "731946" not in response.text

    async def test_a_candidate_token_403(self, harness: ServiceHarness):
        await code_sent(harness)
        response = await harness.client.get(
            OUTBOX, params={"phone": PHONE}, headers=harness.headers(Role.CANDIDATE)
        )
        assert_problem(response, 403, slug="forbidden")
        assert "731946" not in response.text

    @pytest.mark.parametrize("role", [Role.REVIEWER, Role.ORG_ADMIN, Role.INSTITUTION_ADMIN])
    async def test_other_staff_403(self, harness: ServiceHarness, role: Role):
        response = await harness.client.get(
            OUTBOX, params={"phone": PHONE}, headers=harness.headers(role, org_id="ORG-DEMO")
        )
        assert_problem(response, 403, slug="forbidden")

    async def test_an_ops_token_200(self, harness: ServiceHarness):
        await code_sent(harness)
        ops = harness.headers(Role.OPS)

        async def shown() -> list[dict[str, str]] | None:
            response = await harness.client.get(OUTBOX, params={"phone": PHONE}, headers=ops)
            assert response.status_code == 200, response.text
            return response.json() or None

        [sms] = await eventually(shown)
        assert sms["phone"] == PHONE and sms["template_code"] == "sms_code"
        assert "731946" in sms["body"]


async def get_outbox(settings: NotificationSettings) -> httpx.Response:
    """Ask an app built from `settings` for the outbox (routing to nowhere needs no lifespan)."""
    app = create_service_app(build_spec(settings))
    assert OUTBOX not in app.openapi()["paths"]
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://notification") as client:
        return await client.get(OUTBOX, params={"phone": PHONE}, headers=OPS_HEADERS)


class TestWhereTheOutboxExists:
    def test_not_in_prod(self):
        settings = NotificationSettings(
            profile=Profile.PROD,
            s3_secret_key="s",
            sms_provider="tencent",
            tencent_secret_id="id",
            tencent_secret_key="key",
            tencent_sms_sdk_app_id="1400000001",
            sms_receipt_token="t" * 32,
            sms_templates={"sms_code": {"template_code": "1", "sign_name": "技能等级认定"}},
        )
        assert not settings.shows_dev_sms_outbox
        # The spec, not a started app: a prod app needs the personal-data keys, and building
        # one would make them the process's key ring. The route's absence answers 404 as in
        # the test profile below.
        assert dev_router not in build_spec(settings).routers

    async def test_not_in_the_test_profile_unless_switched_on(self):
        settings = NotificationSettings(profile=Profile.TEST)
        assert_problem(await get_outbox(settings), 404, slug="http-404")

    def test_in_dev_by_default(self):
        settings = NotificationSettings(profile=Profile.DEV)
        assert settings.shows_dev_sms_outbox
        app = create_service_app(build_spec(settings))
        assert OUTBOX in app.openapi()["paths"]

    def test_switching_it_on_in_prod_is_refused(self):
        with pytest.raises(ValidationError, match="dev_sms_outbox cannot be enabled in the prod"):
            NotificationSettings(profile=Profile.PROD, s3_secret_key="s", dev_sms_outbox=True)
