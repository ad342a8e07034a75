from pydantic_settings import SettingsConfigDict

from skillcert.settings import ServiceSettings


class CertificateSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="CERTIFICATE_", extra="ignore")

    service_name: str = "certificate"
    database_url: str = "sqlite+aiosqlite:///var/certificate.db"
    # Printed in the QR code of every certificate: where the public verifies it (证书查验).
    public_base_url: str = "http://127.0.0.1:8000"
    download_url_ttl_s: int = 300
    # A failed 证书查验 answers no sooner than this, so that an unknown number and a wrong ID
    # number take the same time (see CertificateService.verify).
    verify_failure_floor_ms: int = 250
    # Seed 003: the head's stamp (签名章) is a PNG of at most 1 MB.
    stamp_max_bytes: int = 1_000_000
    # Extra trust anchors (PEM bundle) for verification besides the stored CA, e.g. the
    # production CA whose keys live in an HSM and are never stored in this database.
    trust_roots_pem: str = ""
