"""Settings: the service talks to whatever provider its settings name, and where payments
count (the prod profile) only to an HTTPS one; nothing of the simulator is in the service."""

from __future__ import annotations

import subprocess
import sys

import httpx
import pytest
from pydantic import SecretStr, ValidationError

from payment.config import PaymentSettings
from payment.main import build_spec
from payment.wechat import build_wechatpay
from skillcert import crypto
from skillcert.crypto import new_key
from skillcert.service import create_service_app
from skillcert.settings import Profile
from skillcert.testing import assert_problem
from skillcert_devtools.wechatpay import DevKeySet, generate_test_keys


@pytest.fixture(scope="module")
def merchant() -> DevKeySet:
    return generate_test_keys()


def prod_settings(merchant: DevKeySet, **changes: object) -> PaymentSettings:
    keys = merchant.payment_settings(provider_base_url="https://api.mch.weixin.qq.com")
    return PaymentSettings(profile=Profile.PROD, s3_secret_key="x", **{**keys, **changes})


class TestPaymentSettings:
    def test_the_provider_needs_every_key(self):
        with pytest.raises(ValidationError, match="merchant_private_key_pem"):
            PaymentSettings(profile=Profile.TEST, merchant_serial="ABC")

    def test_without_keys_the_service_does_not_start(self):
        # No generated keys, no simulator by default: a payment service must be given a provider.
        with pytest.raises(ValidationError, match="the real provider needs"):
            PaymentSettings(profile=Profile.DEV)

    def test_apiv3_key_must_be_32_bytes(self):
        with pytest.raises(ValidationError, match="32 bytes"):
            PaymentSettings(
                profile=Profile.TEST,
                merchant_private_key_pem="pem",
                merchant_serial="ABC",
                platform_public_keys={"PUB_KEY_ID_1": "pem"},
                api_v3_key="short",
            )

    def test_prod_refuses_a_provider_without_https(self, merchant: DevKeySet):
        with pytest.raises(ValidationError, match="https"):
            prod_settings(merchant, provider_base_url="http://127.0.0.1:8090")

    def test_notify_url_is_built_on_the_public_address(self, merchant: DevKeySet):
        settings = prod_settings(merchant, public_base_url="https://skillcert.example.cn/")
        assert settings.notify_url == (
            "https://skillcert.example.cn/api/v1/payment/webhooks/wechatpay"
        )


class TestProductionApp:
    async def test_keys_from_settings_build_the_channel(self, merchant: DevKeySet):
        channel = build_wechatpay(prod_settings(merchant))
        try:
            assert channel.api_v3_key == merchant.api_v3_key
            assert channel.verifier.serials == {merchant.platform_serial}
            assert channel.mchid == merchant.mchid
        finally:
            await channel.aclose()

    async def test_the_prod_app_has_no_simulator_route(self, merchant: DevKeySet):
        keys = {"pii_keys": {"k1": SecretStr(new_key())}, "pii_index_key": SecretStr(new_key())}
        # Building the app configures the process's key ring: put the tests' one back after.
        with crypto.using(crypto.keyring()):
            app = create_service_app(build_spec(prod_settings(merchant, **keys)))
        paths = set(app.openapi()["paths"])
        assert "/api/v1/payment/webhooks/wechatpay" in paths
        assert not [p for p in paths if "simulator" in p or p.startswith("/v3/")], paths
        # Where the simulator's controls used to be mounted: nothing (no lifespan needed to
        # route a request to nowhere).
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://payment") as client:
            for path in (
                "/api/v1/payment/simulator/simulator/scan-and-pay",
                "/simulator/scan-and-pay",
                "/v3/pay/transactions/native",
            ):
                response = await client.post(path, json={"out_trade_no": "SC2026"})
                assert_problem(response, 404)

    def test_the_service_never_imports_the_dev_tools(self):
        # A fresh interpreter: this test process has the simulator loaded for the other tests.
        probe = (
            "import sys, payment.main, payment.wechat, payment.provider\n"
            "dev = sorted(m for m in sys.modules if m.startswith('skillcert_devtools'))\n"
            "assert not dev, dev\n"
        )
        result = subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60
        )
        assert result.returncode == 0, result.stderr
