from __future__ import annotations

import re
from ipaddress import IPv4Network, IPv6Network
from pathlib import Path

from pydantic import BaseModel, Field, SecretStr, field_validator, model_validator
from pydantic_settings import SettingsConfigDict

from skillcert.settings import Profile, ServiceSettings


class RateLimitPolicy(BaseModel):
    """A token bucket: `capacity` requests at once, refilled at `refill_per_s` per second."""

    capacity: int = Field(ge=1)
    refill_per_s: float = Field(gt=0)


# Upstream services behind the gateway, by the path segment that routes to them.
DEFAULT_UPSTREAMS: dict[str, str] = {
    "registration": "http://127.0.0.1:8101",
    "review": "http://127.0.0.1:8102",
    "exam-scheduling": "http://127.0.0.1:8103",
    "payment": "http://127.0.0.1:8104",
    "scoring": "http://127.0.0.1:8105",
    "certificate": "http://127.0.0.1:8106",
    "notification": "http://127.0.0.1:8107",
    "institution": "http://127.0.0.1:8108",
}


class GatewaySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="GATEWAY_", extra="ignore")

    service_name: str = "gateway"
    database_url: str = "sqlite+aiosqlite:///var/gateway.db"

    # --- tokens ---------------------------------------------------------------------------
    # Without a configured key (dev/test) a fresh ES256 key is generated per process: tokens
    # from a previous run stop verifying after a restart, which is fine for development.
    jwt_private_key_pem: SecretStr | None = None
    jwt_key_id: str = "gateway-1"
    # Public keys (kid → PEM) published beside the signing key, verifying but never signing:
    # the next key before it signs, the previous one until its tokens have expired. Rotation
    # without logging anyone out: docs/security.md.
    jwt_published_keys: dict[str, str] = Field(default_factory=dict)
    access_token_ttl_s: int = Field(default=900, ge=60, le=86400)
    # Refresh tokens (opaque, stored hashed) are rotated on every use; one that is used twice
    # revokes its whole session. A session lasts `refresh_token_ttl_s` unused and at most
    # `session_max_age_s` from its login.
    refresh_token_ttl_s: int = Field(default=14 * 86400, ge=300)
    session_max_age_s: int = Field(default=30 * 86400, ge=300)

    # --- passwords (argon2id) -------------------------------------------------------------
    argon2_time_cost: int = Field(default=3, ge=1)
    argon2_memory_kib: int = Field(default=65536, ge=1024)
    argon2_parallelism: int = Field(default=4, ge=1)
    # Wrong passwords are held per (login, client address): the first `login_free_failures`
    # pass, then each one makes the pair wait `login_delay_base_s`, doubling, up to
    # `login_max_delay_s`. A pair's count is forgotten a window after its last failure. The
    # account itself is locked outright (for `login_lockout_s`, or until the owner signs in by
    # SMS code or resets the password) only after `login_lock_failures` failures from all
    # addresses since its last good login; that is logged. docs/security.md.
    login_free_failures: int = Field(default=5, ge=1)
    login_delay_base_s: int = Field(default=2, ge=1)
    login_max_delay_s: int = Field(default=15 * 60, ge=1)
    login_throttle_window_s: int = Field(default=24 * 3600, ge=60)
    login_lock_failures: int = Field(default=100, ge=1)
    login_lockout_s: int = Field(default=3600, ge=60)

    # --- SMS codes --------------------------------------------------------------------------
    # Codes are stored as HMAC-SHA256 under this secret: a plain hash of 6 digits is reversed
    # by trying all million. Without it (dev/test) a per-process secret is generated.
    sms_code_secret: SecretStr | None = None
    sms_code_ttl_s: int = 300
    sms_code_max_attempts: int = 5
    sms_resend_after_s: int = 60
    sms_hourly_cap_per_phone: int = 5
    # A phone proof (an answered code another service signs up with) stays good this long.
    phone_proof_ttl_s: int = Field(default=600, ge=60, le=3600)

    # --- rate limits (in memory, per process, per client IP) --------------------------------
    # One campus network shares an address, so these are loose; the tight limits are per phone
    # (SMS cool-down, hourly cap) and per account (lock-out), kept in the database. Setting
    # GATEWAY_RATE_LIMITS replaces the whole table; an endpoint left out is not limited.
    rate_limits: dict[str, RateLimitPolicy] = Field(
        default_factory=lambda: {
            "sms-codes": RateLimitPolicy(capacity=20, refill_per_s=1 / 30),
            "accounts": RateLimitPolicy(capacity=20, refill_per_s=1 / 30),
            "sessions": RateLimitPolicy(capacity=30, refill_per_s=1 / 2),
            "password-resets": RateLimitPolicy(capacity=20, refill_per_s=1 / 30),
            # 证书查验 needs the holder's full ID number: per address against scanning, and
            # per certificate number against guessing one holder's ID number from many
            # addresses (an ID number's unknown part is only the birth date and a few digits).
            "certificate-verify": RateLimitPolicy(capacity=20, refill_per_s=1 / 30),
            "certificate-verify-number": RateLimitPolicy(capacity=30, refill_per_s=1 / 120),
        }
    )
    # The proxies (addresses or networks, e.g. "10.0.0.0/8") whose X-Forwarded-For the gateway
    # believes. Default none: the client is the connected peer, whatever headers it sends. The
    # uvicorn servers never rewrite the peer themselves (skillcert.serving).
    trusted_proxies: list[IPv4Network | IPv6Network] = Field(default_factory=list)

    # --- browsers -------------------------------------------------------------------------
    # Origins (scheme://host[:port]) whose pages may call the API from the browser (CORS).
    # Default none: the web app the gateway serves itself is same-origin and needs no entry.
    cors_allowed_origins: list[str] = Field(default_factory=list)

    # --- demo staff accounts ----------------------------------------------------------------
    seed_demo: bool | None = Field(
        default=None,
        description="seed the demo staff accounts; default: only in the dev profile, never in prod",
    )
    demo_password: SecretStr | None = None

    # --- routing ----------------------------------------------------------------------------
    upstreams: dict[str, str] = Field(default_factory=lambda: dict(DEFAULT_UPSTREAMS))
    upstream_timeout_s: float = 30.0
    openapi_cache_s: float = 30.0

    # --- web app ----------------------------------------------------------------------------
    # The built web app; the default is the repository's web/dist (the image puts it there).
    web_dir: Path = Field(default_factory=lambda: Path(__file__).resolve().parents[4] / "web/dist")

    @field_validator("cors_allowed_origins")
    @classmethod
    def _origins_only(cls, origins: list[str]) -> list[str]:
        for origin in origins:
            if not re.fullmatch(r"https?://[A-Za-z0-9.-]+(:\d{1,5})?", origin):
                raise ValueError(
                    f"CORS origin {origin!r}: scheme://host[:port] only, no path and no '*'"
                )
        return origins

    @model_validator(mode="after")
    def _gateway_secrets_required_in_prod(self) -> GatewaySettings:
        if self.profile is Profile.PROD:
            if self.jwt_private_key_pem is None:
                raise ValueError("GATEWAY_JWT_PRIVATE_KEY_PEM is required in the prod profile")
            if self.sms_code_secret is None:
                raise ValueError("GATEWAY_SMS_CODE_SECRET is required in the prod profile")
        self.refuse_in_prod(seed_demo=self.seed_demo)
        return self

    @property
    def should_seed_demo(self) -> bool:
        return self.dev_convenience(self.seed_demo)
