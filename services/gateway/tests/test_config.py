"""GatewaySettings: secrets are required in prod, demo staff are seeded only where a developer
switches them on (the dev profile does), never in prod."""

import pytest
from pydantic import SecretStr, ValidationError

from gateway.config import GatewaySettings
from skillcert.auth import SigningKey

PEM = SigningKey.generate().to_pem().decode()


class TestGatewaySettings:
    def test_prod_without_a_signing_key_is_refused(self):
        with pytest.raises(ValidationError, match="GATEWAY_JWT_PRIVATE_KEY_PEM"):
            GatewaySettings(profile="prod", s3_secret_key="s", sms_code_secret=SecretStr("k"))

    def test_prod_without_an_sms_code_secret_is_refused(self):
        with pytest.raises(ValidationError, match="GATEWAY_SMS_CODE_SECRET"):
            GatewaySettings(profile="prod", s3_secret_key="s", jwt_private_key_pem=SecretStr(PEM))

    def test_demo_staff_are_seeded_by_default_in_dev_only(self):
        prod = GatewaySettings(
            profile="prod",
            s3_secret_key="s",
            jwt_private_key_pem=SecretStr(PEM),
            sms_code_secret=SecretStr("k"),
        )
        assert not prod.should_seed_demo
        assert not GatewaySettings(profile="test").should_seed_demo
        assert GatewaySettings(profile="dev").should_seed_demo
        assert not GatewaySettings(profile="dev", seed_demo=False).should_seed_demo
        assert GatewaySettings(profile="test", seed_demo=True).should_seed_demo

    def test_demo_staff_cannot_be_switched_on_in_prod(self):
        with pytest.raises(ValidationError, match="seed_demo cannot be enabled in the prod"):
            GatewaySettings(
                profile="prod",
                s3_secret_key="s",
                jwt_private_key_pem=SecretStr(PEM),
                sms_code_secret=SecretStr("k"),
                seed_demo=True,
            )

    def test_the_default_profile_is_prod(self, monkeypatch: pytest.MonkeyPatch):
        monkeypatch.delenv("SKILLCERT_PROFILE", raising=False)
        monkeypatch.delenv("GATEWAY_PROFILE", raising=False)
        with pytest.raises(ValidationError, match="required in the prod profile"):
            GatewaySettings(s3_secret_key="s")


@pytest.mark.parametrize(
    "origin", ["*", "https://app.example/path", "app.example", "https://*.example"]
)
def test_cors_origins_are_exact_origins(origin: str) -> None:
    with pytest.raises(ValidationError, match="CORS origin"):
        GatewaySettings(cors_allowed_origins=[origin])
