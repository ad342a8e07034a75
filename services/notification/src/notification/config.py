from pydantic_settings import SettingsConfigDict

from skillcert.settings import ServiceSettings


class NotificationSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="NOTIFICATION_", extra="ignore")

    service_name: str = "notification"
    database_url: str = "sqlite+aiosqlite:///var/notification.db"
    sms_signature: str = "【技能等级认定】"
    sms_max_attempts: int = 5
    sms_poll_interval_s: float = 0.5
    dev_sms_outbox: bool = True
