from pydantic_settings import SettingsConfigDict

from skillcert.settings import ServiceSettings


class RegistrationSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="REGISTRATION_", extra="ignore")

    service_name: str = "registration"
    database_url: str = "sqlite+aiosqlite:///var/registration.db"
    upload_url_expires_s: int = 600
    # The seeds star more fields than the first API version asked for (e-mail, 考生来源, 报名单位,
    # 所在单位, the residence address, the prior certificate of a level-building condition).
    # Off, they are checked when given; on, they are demanded. Off by default until every
    # client (the web app, the journey test) sends the full forms.
    require_seed_fields: bool = False
    # How often the mail-in job looks for approved applications past their deadline.
    forfeit_interval_s: float = 300.0
    forfeit_batch: int = 200
