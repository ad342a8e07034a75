from pydantic_settings import SettingsConfigDict

from skillcert.settings import ServiceSettings


class RegistrationSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="REGISTRATION_", extra="ignore")

    service_name: str = "registration"
    database_url: str = "sqlite+aiosqlite:///var/registration.db"
    upload_url_expires_s: int = 600
    # The seeds star these fields (e-mail, 考生来源, 报名单位, 所在单位, the residence address,
    # the prior certificate of a level-building condition): demanded by default. Off, they are
    # only checked when given — for a client still sending the first API version's forms.
    require_seed_fields: bool = True
    # How often the mail-in job looks for approved applications past their deadline.
    forfeit_interval_s: float = 300.0
    forfeit_batch: int = 200
