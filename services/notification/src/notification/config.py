from __future__ import annotations

from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict

from skillcert.settings import ServiceSettings


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

    @model_validator(mode="after")
    def _no_outbox_in_prod(self) -> NotificationSettings:
        self.refuse_in_prod(dev_sms_outbox=self.dev_sms_outbox)
        return self

    @property
    def shows_dev_sms_outbox(self) -> bool:
        return self.dev_convenience(self.dev_sms_outbox)
