"""The signing keys the service is configured with (docs/security.md "Signing keys").

* The issuing CA: a CA certificate under the platform's (offline) root, with its key, from a
  PKCS#12 file or a PEM key + chain, named in settings or found in the secret-store directory.
  It issues each institution head's and each organisation's signing certificate on demand;
  those keys are kept in ``signing_identities`` encrypted with ``signing_key_passphrase``.
* Organisations that hold their own signing certificate (e.g. from a commercial CA) put it in
  ``organisations/<org_id>.p12`` (or ``.key.pem`` + ``.chain.pem``) of the secret store; it
  then signs instead of an issued one.
* The time-stamping authority's URL, and where the issuing CA's CRL is published.

Everything is read and checked once, at startup: in the prod profile a missing or unusable key
is a :class:`SigningConfigError` and the service does not start, rather than failing at the
first certificate (or, worse, minting a key of its own).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509

from certificate.config import CertificateSettings
from certificate.pdf import SigningIdentity, make_crl
from skillcert.clock import utcnow
from skillcert.settings import Profile

# A fresh CRL of the issuing CA is embedded in every signature; re-signing it once an hour is
# plenty (validators accept it until its nextUpdate, a week later).
_CRL_REFRESH_S = 3600.0


class SigningConfigError(RuntimeError):
    """The signing keys in the configuration are missing or unusable."""


@dataclass
class Keystore:
    issuing_ca: SigningIdentity | None
    organisations: dict[str, SigningIdentity]
    key_passphrase: bytes | None
    extra_roots: tuple[x509.Certificate, ...]
    tsa_url: str
    tsa_timeout_s: int
    crl_url: str
    _crl: tuple[float, bytes] | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def roots(self) -> list[x509.Certificate]:
        """The configured trust anchors: the issuing CA's root and any extra roots."""
        roots = [self.issuing_ca.root] if self.issuing_ca is not None else []
        for org in self.organisations.values():
            if org.root not in roots:
                roots.append(org.root)
        return [*roots, *(r for r in self.extra_roots if r not in roots)]

    def issuing_crl(self) -> bytes | None:
        if self.issuing_ca is None:
            return None
        with self._lock:
            now = time.monotonic()
            if self._crl is None or now - self._crl[0] > _CRL_REFRESH_S:
                self._crl = (now, make_crl(self.issuing_ca))
            return self._crl[1]


_cache: dict[int, tuple[CertificateSettings, Keystore]] = {}
_cache_lock = threading.Lock()


def keystore_for(settings: CertificateSettings) -> Keystore:
    """The keystore of these settings, loaded on first use and kept for the process."""
    with _cache_lock:
        cached = _cache.get(id(settings))
        if cached is None or cached[0] is not settings:
            cached = (settings, load_keystore(settings))
            _cache[id(settings)] = cached
        return cached[1]


def reload_keystore(settings: CertificateSettings) -> Keystore:
    """Read the keys again (after the secret store changed, e.g. a rotated issuing CA)."""
    with _cache_lock:
        _cache.pop(id(settings), None)
    return keystore_for(settings)


def load_keystore(settings: CertificateSettings) -> Keystore:
    """Read and check every configured key; raises :class:`SigningConfigError`."""
    prod = settings.profile is Profile.PROD
    secrets = Path(settings.signing_secrets_dir) if settings.signing_secrets_dir else None
    if secrets is not None and not secrets.is_dir():
        raise SigningConfigError(f"signing_secrets_dir {secrets} is not a directory")

    issuing = _load_issuing_ca(settings, secrets)
    key_passphrase = settings.signing_key_passphrase.get_secret_value() or _read_text(
        secrets, "signing-key.passphrase"
    )
    organisations = _load_organisations(secrets)
    extra_roots: tuple[x509.Certificate, ...] = ()
    if settings.trust_roots_pem.strip():
        try:
            extra_roots = tuple(x509.load_pem_x509_certificates(settings.trust_roots_pem.encode()))
        except ValueError as exc:
            raise SigningConfigError(f"trust_roots_pem is not a PEM bundle: {exc}") from exc

    if prod:
        missing = []
        if issuing is None:
            missing.append(
                "the issuing CA (issuing_ca_p12_file, issuing_ca_key_file + issuing_ca_chain_file,"
                " or issuing-ca.p12 / issuing-ca.key.pem in signing_secrets_dir)"
            )
        if not key_passphrase:
            missing.append("signing_key_passphrase (or signing-key.passphrase in the secret store)")
        if not settings.tsa_url:
            missing.append("tsa_url (an RFC 3161 time-stamping authority)")
        if missing:
            raise SigningConfigError(
                "the prod profile cannot issue certificates without " + "; ".join(missing)
            )
    if key_passphrase and len(key_passphrase) < 16:
        raise SigningConfigError("signing_key_passphrase must be at least 16 characters")
    return Keystore(
        issuing_ca=issuing,
        organisations=organisations,
        key_passphrase=key_passphrase.encode() if key_passphrase else None,
        extra_roots=extra_roots,
        tsa_url=settings.tsa_url,
        tsa_timeout_s=settings.tsa_timeout_s,
        crl_url=settings.crl_url,
    )


def _load_issuing_ca(settings: CertificateSettings, secrets: Path | None) -> SigningIdentity | None:
    passphrase = settings.issuing_ca_passphrase.get_secret_value() or _read_text(
        secrets, "issuing-ca.passphrase"
    )
    p12 = _file(settings.issuing_ca_p12_file, secrets, "issuing-ca.p12")
    key = _file(settings.issuing_ca_key_file, secrets, "issuing-ca.key.pem")
    chain = _file(settings.issuing_ca_chain_file, secrets, "issuing-ca.chain.pem")
    identity = _load_identity("issuing CA", p12, key, chain, passphrase)
    if identity is None:
        return None
    if not identity.is_ca:
        raise SigningConfigError("issuing CA: the certificate is not a CA (basicConstraints)")
    usage = identity.certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    if not usage.key_cert_sign:
        raise SigningConfigError("issuing CA: the certificate may not sign certificates")
    return identity


def _load_organisations(secrets: Path | None) -> dict[str, SigningIdentity]:
    if secrets is None or not (secrets / "organisations").is_dir():
        return {}
    directory = secrets / "organisations"
    org_ids = {
        p.name.removesuffix(".p12").removesuffix(".key.pem")
        for p in directory.iterdir()
        if p.name.endswith((".p12", ".key.pem"))
    }
    found = {}
    for org_id in sorted(org_ids):
        identity = _load_identity(
            f"organisation {org_id}",
            _existing(directory / f"{org_id}.p12"),
            _existing(directory / f"{org_id}.key.pem"),
            _existing(directory / f"{org_id}.chain.pem"),
            _read_text(directory, f"{org_id}.passphrase"),
        )
        assert identity is not None
        if identity.is_ca:
            raise SigningConfigError(f"organisation {org_id}: a CA certificate cannot sign PDFs")
        found[org_id] = identity
    return found


def _load_identity(
    what: str, p12: Path | None, key: Path | None, chain: Path | None, passphrase: str
) -> SigningIdentity | None:
    password = passphrase.encode() if passphrase else None
    try:
        if p12 is not None:
            if key is not None:
                raise SigningConfigError(f"{what}: configure a PKCS#12 file or a PEM key, not both")
            identity = SigningIdentity.from_pkcs12(p12.read_bytes(), password=password)
        elif key is not None:
            if chain is None:
                raise SigningConfigError(f"{what}: the PEM key has no certificate chain file")
            identity = SigningIdentity.from_pem(
                key.read_bytes(), chain.read_bytes(), password=_pem_password(key, password)
            )
        else:
            return None
    except SigningConfigError:
        raise
    except (OSError, ValueError, TypeError) as exc:
        # Wrong passphrase, corrupt file, key and certificate not matching: all say why.
        raise SigningConfigError(f"{what}: cannot load the key: {exc}") from exc
    now = utcnow()
    for cert in (identity.certificate, *identity.chain):
        if not cert.not_valid_before_utc <= now <= cert.not_valid_after_utc:
            raise SigningConfigError(
                f"{what}: certificate {cert.subject.rfc4514_string()} is not valid now "
                f"({cert.not_valid_before_utc:%Y-%m-%d} to {cert.not_valid_after_utc:%Y-%m-%d})"
            )
    root = identity.root
    if root.issuer != root.subject:
        raise SigningConfigError(
            f"{what}: the chain does not end at a self-signed root (add the root to the chain)"
        )
    return identity


def _pem_password(key: Path, password: bytes | None) -> bytes | None:
    # An unencrypted PEM key with a passphrase configured is refused by cryptography;
    # only hand the passphrase over to an encrypted key.
    return password if b"ENCRYPTED" in key.read_bytes()[:100] else None


def _file(configured: str, secrets: Path | None, name: str) -> Path | None:
    if configured:
        path = Path(configured)
        if not path.is_file():
            raise SigningConfigError(f"configured signing key file {path} does not exist")
        return path
    return _existing(secrets / name) if secrets is not None else None


def _existing(path: Path) -> Path | None:
    return path if path.is_file() else None


def _read_text(directory: Path | None, name: str) -> str:
    if directory is None or not (directory / name).is_file():
        return ""
    return (directory / name).read_text().strip()


def encrypt_key(identity: SigningIdentity, passphrase: bytes | None) -> str:
    return identity.key_pem(password=passphrase).decode()


def decrypt_key(key_pem: str, cert_pem: str, passphrase: bytes | None) -> SigningIdentity:
    encrypted = "ENCRYPTED" in key_pem[:100]
    if encrypted and passphrase is None:
        raise SigningConfigError("a stored signer key is encrypted but no passphrase is set")
    return SigningIdentity.from_pem(
        key_pem.encode(), cert_pem.encode(), password=passphrase if encrypted else None
    )


__all__ = [
    "Keystore",
    "SigningConfigError",
    "decrypt_key",
    "encrypt_key",
    "keystore_for",
    "load_keystore",
    "reload_keystore",
]
