from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from notification.sms.rules import ProviderTemplate, SmsProvider
from skillcert.settings import Profile, ServiceSettings


class NotificationSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="NOTIFICATION_", extra="ignore")

    service_name: str = "notification"
    database_url: str = "sqlite+aiosqlite:///var/notification.db"
    sms_signature: str = "【技能等级认定】"
    sms_max_attempts: int = 5
    sms_poll_interval_s: float = 0.5
    dev_sms_outbox: bool | None = Field(
        default=None,
        description="GET /api/v1/notification/dev/sms (ops only) shows the SMS sent; default: "
        "only in the dev profile, never in prod",
    )
    sms_provider: SmsProvider = Field(
        default=SmsProvider.DEV,
        description="who sends SMS: aliyun, tencent, or dev (development only: nothing leaves "
        "the machine; refused in the prod profile)",
    )
    sms_templates: dict[str, ProviderTemplate] = Field(
        default_factory=dict,
        description="per message template code, the provider's approved template: "
        '{"sms_code": {"template_code": "SMS_123", "sign_name": "技能等级认定", '
        '"params": ["code", "minutes"]}, ...} (JSON in NOTIFICATION_SMS_TEMPLATES)',
    )
    sms_timeout_s: float = 10.0
    sms_receipt_token: SecretStr = Field(
        default=SecretStr(""),
        description="the secret last path segment of the receipt URLs given to the provider "
        "(/api/v1/notification/sms-receipts/<provider>/<token>); at least 32 characters",
    )
    smtp_host: str | None = Field(
        default=None,
        description="the SMTP server for staff e-mail (credential notices); none: no e-mail",
    )
    smtp_port: int = 587
    smtp_security: Literal["starttls", "tls", "none"] = Field(
        default="starttls", description="starttls (587), tls (implicit, 465), none (local relay)"
    )
    smtp_username: str | None = None
    smtp_password: SecretStr = SecretStr("")
    smtp_sender: str = "技能等级认定平台 <noreply@example.invalid>"
    aliyun_access_key_id: str = ""
    aliyun_access_key_secret: SecretStr = SecretStr("")
    aliyun_sms_endpoint: str = "https://dysmsapi.aliyuncs.com"
    aliyun_region: str = "cn-hangzhou"
    tencent_secret_id: str = ""
    tencent_secret_key: SecretStr = SecretStr("")
    tencent_sms_sdk_app_id: str = ""
    tencent_sms_endpoint: str = "https://sms.tencentcloudapi.com"
    tencent_region: str = "ap-guangzhou"

    @model_validator(mode="after")
    def _no_outbox_in_prod(self) -> NotificationSettings:
        self.refuse_in_prod(dev_sms_outbox=self.dev_sms_outbox)
        if self.profile is Profile.PROD and self.sms_provider is SmsProvider.DEV:
            raise ValueError(
                "sms_provider dev (the development sender) cannot be used in the prod profile"
            )
        return self

    @model_validator(mode="after")
    def _provider_configured(self) -> NotificationSettings:
        # A real provider half-configured fails at start, not at the first candidate's code.
        missing: list[str] = []
        if self.sms_provider is SmsProvider.ALIYUN:
            if not self.aliyun_access_key_id:
                missing.append("aliyun_access_key_id")
            if not self.aliyun_access_key_secret.get_secret_value():
                missing.append("aliyun_access_key_secret")
        elif self.sms_provider is SmsProvider.TENCENT:
            for name in ("tencent_secret_id", "tencent_sms_sdk_app_id"):
                if not getattr(self, name):
                    missing.append(name)
            if not self.tencent_secret_key.get_secret_value():
                missing.append("tencent_secret_key")
        if self.sms_provider is not SmsProvider.DEV:
            if len(self.sms_receipt_token.get_secret_value()) < 32:
                missing.append("sms_receipt_token (32+ characters)")
            if not self.sms_templates:
                missing.append("sms_templates")
        if missing:
            raise ValueError(f"sms_provider {self.sms_provider} needs {', '.join(missing)}")
        return self

    @model_validator(mode="after")
    def _no_plain_smtp_in_prod(self) -> NotificationSettings:
        # Credentials in the clear over the network: only a relay on the same host may skip TLS.
        if (
            self.profile is Profile.PROD
            and self.smtp_host is not None
            and self.smtp_security == "none"
            and self.smtp_host not in {"127.0.0.1", "localhost", "::1"}
        ):
            raise ValueError("smtp_security none is for a relay on this host only in prod")
        return self

    @property
    def shows_dev_sms_outbox(self) -> bool:
        return self.dev_convenience(self.dev_sms_outbox)
