"""Payment settings (env prefix PAYMENT_).

Provider credentials, all required (they come from the merchant platform and are secrets):

* ``PAYMENT_MCHID``: merchant id (商户号)
* ``PAYMENT_APPID``: the app id the Native orders are placed for
* ``PAYMENT_MERCHANT_PRIVATE_KEY_PEM``: merchant API private key (apiclient_key.pem)
* ``PAYMENT_MERCHANT_SERIAL``: serial number of the merchant API certificate
* ``PAYMENT_PLATFORM_PUBLIC_KEYS``: JSON object ``{"<Wechatpay-Serial>": "<PEM>"}``; a PEM may be
  a WeChat Pay public key (``PUB_KEY_ID_...``) or a platform certificate
* ``PAYMENT_API_V3_KEY``: the 32-character APIv3 key

``PAYMENT_PROVIDER_BASE_URL`` is where WeChat Pay is reached; in development a launcher points it
at the WeChat Pay simulator (``skillcert_devtools.wechatpay``, never deployed) and fills the keys
with a generated set. The prod profile accepts only an HTTPS provider.
"""

from __future__ import annotations

from datetime import time, timedelta

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from payment.provider import DEFAULT_BASE_URL
from skillcert.settings import Profile, ServiceSettings


class PaymentSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PAYMENT_", extra="ignore")

    service_name: str = "payment"
    database_url: str = "sqlite+aiosqlite:///var/payment.db"
    public_base_url: str = Field(
        default="http://127.0.0.1:8000",
        description="where the provider reaches us (the gateway); the webhook URL is built on it",
    )
    order_ttl: timedelta = Field(default=timedelta(minutes=30), gt=timedelta(minutes=1))
    provider_base_url: str = DEFAULT_BASE_URL
    provider_timeout_s: float = 10.0
    mchid: str = "1900000109"
    appid: str = "wxd678efh567hg6787"
    merchant_private_key_pem: SecretStr | None = None
    merchant_serial: str | None = None
    platform_public_keys: dict[str, str] = Field(default_factory=dict)
    api_v3_key: SecretStr | None = None
    expiry_interval_s: float = 30.0
    active_query_window: timedelta = Field(
        default=timedelta(minutes=5),
        description="pending orders this close to expiry are queried at the provider",
    )
    active_query_interval: timedelta = timedelta(minutes=1)
    refund_interval_s: float = Field(
        default=5.0, gt=0, description="how often the refund job submits due refunds"
    )
    refund_backoff: timedelta = Field(
        default=timedelta(seconds=30),
        gt=timedelta(0),
        description="wait after the first failed refund call; doubles per failure",
    )
    refund_backoff_max: timedelta = Field(default=timedelta(hours=1), gt=timedelta(0))
    refund_query_interval_s: float = Field(
        default=60.0, gt=0, description="how often the refund query job runs"
    )
    refund_query_age: timedelta = Field(
        default=timedelta(minutes=10),
        ge=timedelta(0),
        description="refunds accepted this long ago and still processing (or abnormal) are "
        "queried at the provider: their notification may have been lost",
    )
    refund_query_repeat: timedelta = Field(
        default=timedelta(minutes=10),
        gt=timedelta(0),
        description="a refund the provider still reports unfinished is asked about again "
        "after this long",
    )
    reconciliation_enabled: bool = True
    reconciliation_time: time = Field(
        default=time(10, 30),
        description="Beijing time of day the daily job fetches yesterday's trade bill "
        "(the provider publishes it from 10:00)",
    )
    reconciliation_retries: int = Field(default=6, ge=0)
    reconciliation_retry_interval: timedelta = Field(default=timedelta(minutes=30), gt=timedelta(0))

    @property
    def notify_url(self) -> str:
        return self.public_base_url.rstrip("/") + "/api/v1/payment/webhooks/wechatpay"

    @model_validator(mode="after")
    def _provider_is_consistent(self) -> PaymentSettings:
        # Fake money must never count as real: where payments count, only an HTTPS provider.
        if self.profile is Profile.PROD and not self.provider_base_url.startswith("https://"):
            raise ValueError("provider_base_url must be an https:// address in the prod profile")
        missing = [
            name
            for name, value in (
                ("merchant_private_key_pem", self.merchant_private_key_pem),
                ("merchant_serial", self.merchant_serial),
                ("platform_public_keys", self.platform_public_keys),
                ("api_v3_key", self.api_v3_key),
            )
            if not value
        ]
        if missing:
            raise ValueError(f"the real provider needs {', '.join(missing)}")
        assert self.api_v3_key is not None
        if len(self.api_v3_key.get_secret_value().encode()) != 32:
            raise ValueError("api_v3_key must be 32 bytes")
        return self
