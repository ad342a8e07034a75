from pydantic_settings import SettingsConfigDict

from skillcert.settings import ServiceSettings


class RegistrationSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="REGISTRATION_", extra="ignore")

    service_name: str = "registration"
    database_url: str = "sqlite+aiosqlite:///var/registration.db"
    upload_url_expires_s: int = 600
