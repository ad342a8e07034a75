"""Settings shared by every service: one pydantic-settings class per service subclasses this."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)


class Profile(StrEnum):
    """Where the process runs. Production unless a developer says otherwise.

    * ``prod``: every secret required; development conveniences (demo data, the development SMS
      outbox) are refused, and their routes do not exist.
    * ``test``: generated secrets allowed (test runs, see the root conftest.py); no convenience
      unless a test switches it on.
    * ``dev``: generated secrets allowed and the conveniences on (``make run``, ``make stack``);
      even then anything that shows or moves what is not the caller's needs a staff token.
    """

    DEV = "dev"
    TEST = "test"
    PROD = "prod"


class BusKind(StrEnum):
    RABBITMQ = "rabbitmq"
    EMBEDDED = "embedded"


class StorageKind(StrEnum):
    S3 = "s3"
    LOCAL = "local"


class ServiceSettings(BaseSettings):
    """Settings every service has. Subclasses set `model_config` with their own env prefix,
    e.g. ``REGISTRATION_DATABASE_URL``; values common to all services may also come from the
    ``SKILLCERT_`` prefix through the subclass's defaults in deploy files."""

    model_config = SettingsConfigDict(env_prefix="SKILLCERT_", extra="ignore")

    service_name: str = "service"
    profile: Profile = Profile.PROD
    database_url: str = Field(
        default="sqlite+aiosqlite:///var/dev.db",
        description="SQLAlchemy async URL: postgresql+asyncpg://... or sqlite+aiosqlite:///file",
    )
    database_pool_size: int = 10
    migrate_on_start: bool = Field(
        default=True, description="run Alembic upgrade at start (compose runs a migrate step)"
    )
    bus: BusKind = BusKind.RABBITMQ
    amqp_url: str = "amqp://guest:guest@127.0.0.1:5672/"
    exchange: str = Field(default="skillcert.events", description="the one topic exchange")
    retry_delays_ms: list[int] = Field(default=[1000, 5000, 30000])
    prefetch: int = 32
    outbox_poll_interval_s: float = 0.5
    outbox_linger_s: float = Field(
        default=0.005,
        description="how long the relay waits after a commit wakes it, to publish in batches",
    )
    gc_young_threshold: int = Field(
        default=10_000,
        description="allocations between collections of Python's youngest generation "
        "(the interpreter's default is 700)",
    )
    storage: StorageKind = StorageKind.S3
    s3_endpoint: str = "127.0.0.1:9000"
    s3_public_endpoint: str | None = Field(
        default=None, description="host:port browsers use for presigned URLs (compose: localhost)"
    )
    s3_secure: bool = False
    s3_access_key: str = "skillcert"
    s3_secret_key: str = ""
    s3_region: str = "us-east-1"
    s3_bucket: str = "skillcert"
    s3_sse: bool = Field(
        default=False,
        description="server-side encryption (SSE-S3) of stored objects; the server must support "
        "it (MinIO with a KMS key, SeaweedFS): a server that refuses stops the start",
    )
    local_storage_dir: str = "var/objects"
    local_storage_base_url: str = "http://127.0.0.1:8000/_objects"
    jwks_url: str = "http://127.0.0.1:8000/.well-known/jwks.json"
    jwt_issuer: str = "skillcert-gateway"
    jwt_audience: str = "skillcert"
    # Personal data at rest (skillcert.crypto, docs/security.md): key-encryption keys by id
    # (base64, 32 bytes), the id new values are sealed under, and the blind-index key; or a
    # mounted secret file holding the same. Required in prod (checked at start), one ring for
    # the platform, so set them with the SKILLCERT_ prefix.
    pii_keys: dict[str, SecretStr] = Field(default_factory=dict)
    pii_key_id: str | None = None
    pii_index_key: SecretStr | None = None
    pii_keys_file: str | None = None
    otlp_endpoint: str | None = None
    log_json: bool = True
    log_level: str = "INFO"

    def dev_convenience(self, switch: bool | None) -> bool:
        """Whether a development convenience is on: as switched, else only in the dev profile.
        Subclasses refuse switching one on in prod (``refuse_in_prod``)."""
        return self.profile is Profile.DEV if switch is None else switch

    def refuse_in_prod(self, **switches: bool | None) -> None:
        """A development convenience switched on in the prod profile is a configuration error."""
        if self.profile is Profile.PROD:
            on = sorted(name for name, switch in switches.items() if switch)
            if on:
                raise ValueError(f"{', '.join(on)} cannot be enabled in the prod profile")

    @model_validator(mode="after")
    def _secrets_required_outside_dev(self) -> ServiceSettings:
        # A silent default secret in production is how test keys end up guarding real data.
        if (
            self.profile is Profile.PROD
            and self.storage is StorageKind.S3
            and not self.s3_secret_key
        ):
            raise ValueError("s3_secret_key is required in the prod profile")
        return self

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The service's own prefix wins; SKILLCERT_* carries what every service shares
        # (broker URL, S3 endpoint, JWKS URL) so deploy files need not repeat it eight times.
        shared = EnvSettingsSource(settings_cls, env_prefix="SKILLCERT_")
        return init_settings, env_settings, shared, dotenv_settings, file_secret_settings

    @property
    def is_postgres(self) -> bool:
        return self.database_url.startswith("postgresql")
