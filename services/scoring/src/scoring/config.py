from pydantic_settings import SettingsConfigDict

from skillcert.settings import ServiceSettings


class ScoringSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="SCORING_", extra="ignore")

    service_name: str = "scoring"
    database_url: str = "sqlite+aiosqlite:///var/scoring.db"
    max_upload_bytes: int = 5 * 1024 * 1024
    # How often the automatic lock (公示期满自动锁定) looks for ended publicity windows.
    lock_interval_s: float = 60.0
