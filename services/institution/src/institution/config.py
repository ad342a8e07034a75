from pathlib import Path

from pydantic_settings import SettingsConfigDict

from skillcert.settings import ServiceSettings

#: The sample directory shipped with the service (docs/institution-directory.md).
SAMPLE_DIRECTORY = Path(__file__).parent / "directory" / "data" / "institutions.csv"


class InstitutionSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="INSTITUTION_", extra="ignore")

    service_name: str = "institution"
    database_url: str = "sqlite+aiosqlite:///var/institution.db"
    # Loaded at start (new codes only: entries already there, and corrections, are kept).
    # A deployment points this at the Ministry's full list, or sets it empty and loads the
    # list with `python -m institution.directory FILE`.
    directory_csv: Path | None = SAMPLE_DIRECTORY
    # How long a presigned upload URL of a pilot application's attachment is valid.
    upload_url_expires_s: int = 600
