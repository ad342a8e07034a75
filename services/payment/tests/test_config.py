"""Settings: the simulator can never guard real payments."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import serialization
from pydantic import ValidationError

from payment.config import PaymentSettings
from payment.main import build_spec
from payment.provider import generate_test_keys
from payment.simulator.router import PREFIX
from payment.wechat import build_wechatpay
from skillcert.settings import Profile


class TestPaymentSettings:
    def test_simulator_is_refused_in_prod(self):
        with pytest.raises(ValidationError, match="prod profile"):
            PaymentSettings(profile=Profile.PROD, s3_secret_key="x", provider_simulator=True)

    def test_real_provider_needs_every_key(self):
        with pytest.raises(ValidationError, match="merchant_private_key_pem"):
            PaymentSettings(provider_simulator=False, merchant_serial="ABC")

    def test_simulator_with_merchant_keys_is_refused(self):
        with pytest.raises(ValidationError, match="generated dev keys"):
            PaymentSettings(provider_simulator=True, merchant_serial="ABC")

    def test_apiv3_key_must_be_32_bytes(self):
        with pytest.raises(ValidationError, match="32 bytes"):
            PaymentSettings(
                provider_simulator=False,
                merchant_private_key_pem="pem",
                merchant_serial="ABC",
                platform_public_keys={"PUB_KEY_ID_1": "pem"},
                api_v3_key="short",
            )

    def test_dev_defaults_use_the_simulator(self):
        settings = PaymentSettings(public_base_url="http://gateway:8000/")
        assert settings.provider_simulator
        assert settings.notify_url == "http://gateway:8000/api/v1/payment/webhooks/wechatpay"


class TestRealProviderWiring:
    async def test_real_keys_build_a_client_and_no_simulator_is_mounted(self):
        keys = generate_test_keys()
        private_pem = keys.merchant_private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()
        public_pem = keys.platform_public_key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode()
        settings = PaymentSettings(
            provider_simulator=False,
            merchant_private_key_pem=private_pem,
            merchant_serial=keys.merchant_serial_no,
            platform_public_keys={keys.platform_serial: public_pem},
            api_v3_key=keys.api_v3_key.decode(),
        )
        channel = build_wechatpay(settings)
        try:
            assert channel.simulator is None
            assert channel.api_v3_key == keys.api_v3_key
            assert channel.verifier.serials == {keys.platform_serial}
        finally:
            await channel.aclose()
        spec = build_spec(settings)
        paths = [getattr(r, "path", "") for router in spec.routers for r in router.routes]
        assert not any(p.startswith(PREFIX) for p in paths)
        assert "/api/v1/payment/webhooks/wechatpay" in paths
