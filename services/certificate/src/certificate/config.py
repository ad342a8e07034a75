from pydantic import Field, SecretStr
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
    # Extra trust anchors (PEM bundle) for verification besides the signing CA's root, e.g. the
    # root of the time-stamping authority.
    trust_roots_pem: str = ""

    # --- signing keys (docs/security.md "Signing keys") --------------------------------------
    # Required in the prod profile; dev and test generate a dev CA when none is configured.
    signing_secrets_dir: str = Field(
        default="",
        description="secret-store path: a directory the orchestrator mounts (Kubernetes secret "
        "volume, Docker secrets) with issuing-ca.p12 + issuing-ca.passphrase, or "
        "issuing-ca.key.pem + issuing-ca.chain.pem, signing-key.passphrase, and optional "
        "organisations/<org_id>.p12 (+ .passphrase) or .key.pem + .chain.pem",
    )
    issuing_ca_p12_file: str = Field(default="", description="PKCS#12 of the issuing CA")
    issuing_ca_key_file: str = Field(default="", description="PEM private key of the issuing CA")
    issuing_ca_chain_file: str = Field(
        default="", description="PEM certificates: the issuing CA first, up to the root"
    )
    issuing_ca_passphrase: SecretStr = SecretStr("")
    signing_key_passphrase: SecretStr = Field(
        default=SecretStr(""),
        description="encrypts the signer keys the issuing CA makes for heads and organisations, "
        "as stored in the database",
    )
    tsa_url: str = Field(
        default="", description="RFC 3161 time-stamping authority (prod: required)"
    )
    tsa_timeout_s: int = 10
    crl_url: str = Field(
        default="",
        description="CRL distribution point written into issued signer certificates: where the "
        "issuing CA's CRL is published",
    )
