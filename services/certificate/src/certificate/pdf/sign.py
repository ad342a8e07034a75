"""PAdES signing and verification of certificate PDFs with pyHanko.

A certificate carries two approval signatures, applied as successive incremental updates:
first the institution head (考核站点负责人), then the training-evaluation organisation
(培训评价组织). Each signature only covers the revision it was made in, so the second one
appends to the file without touching the bytes the first one signed.

pyHanko's synchronous entry points call :func:`asyncio.run`, so :func:`sign_pdf` and
:func:`verify_pdf` must not be called on a thread with a running event loop; from async
code use ``await asyncio.to_thread(sign_pdf, ...)`` (also keeps the CPU work off the loop).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from asn1crypto import crl as asn1_crl
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.timestamps import HTTPTimeStamper, TimeStamper
from pyhanko.sign.validation import (
    DocumentSecurityStore,
    EmbeddedPdfSignature,
    PdfSignatureStatus,
    SignatureCoverageLevel,
    validate_pdf_signature,
)
from pyhanko.stamp import NoOpStampStyle
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from skillcert.clock import utcnow

__all__ = [
    "LongTermValidation",
    "PdfVerificationError",
    "SignatureCheck",
    "SigningIdentity",
    "SigningKey",
    "generate_identity",
    "issue_certificate",
    "make_crl",
    "sign_pdf",
    "verify_pdf",
]

SigningKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey

# Signing fills form fields and may add DSS/timestamp data later; anything beyond that
# (annotations, content edits) is treated as tampering on a certificate.
_ALLOWED_LATER_CHANGES = frozenset(
    {ModificationLevel.NONE, ModificationLevel.LTA_UPDATES, ModificationLevel.FORM_FILLING}
)


class PdfVerificationError(ValueError):
    """The input could not be read as a PDF at all."""


@dataclass(frozen=True, slots=True)
class SigningIdentity:
    """A signing key with its certificate and the chain up to (and including) the root."""

    private_key: SigningKey
    certificate: x509.Certificate
    # Issuer certificates, nearest first; embedded in the signature so verifiers only
    # need the root as trust anchor.
    chain: tuple[x509.Certificate, ...] = ()

    @property
    def common_name(self) -> str | None:
        return _common_name(self.certificate)

    @classmethod
    def from_pem(
        cls, key_pem: bytes, cert_pem: bytes, *, password: bytes | None = None
    ) -> SigningIdentity:
        """Load from a PEM private key and a PEM bundle with the leaf certificate first."""
        key = serialization.load_pem_private_key(key_pem, password=password)
        if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
            raise ValueError(f"unsupported signing key type: {type(key).__name__}")
        certs = x509.load_pem_x509_certificates(cert_pem)
        leaf, *chain = certs
        if leaf.public_key() != key.public_key():
            raise ValueError("the first certificate in the bundle does not match the key")
        return cls(private_key=key, certificate=leaf, chain=_ordered_chain(leaf, chain))

    @property
    def is_ca(self) -> bool:
        try:
            constraints = self.certificate.extensions.get_extension_for_class(
                x509.BasicConstraints
            ).value
        except x509.ExtensionNotFound:
            return False
        return constraints.ca

    @classmethod
    def from_pkcs12(cls, data: bytes, *, password: bytes | None = None) -> SigningIdentity:
        """Load a PKCS#12 (.p12/.pfx) bundle: the key, its certificate and the issuers."""
        key, leaf, others = pkcs12.load_key_and_certificates(data, password)
        if key is None or leaf is None:
            raise ValueError("the PKCS#12 bundle holds no private key with its certificate")
        if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
            raise ValueError(f"unsupported signing key type: {type(key).__name__}")
        if leaf.public_key() != key.public_key():
            raise ValueError("the certificate in the bundle does not match the key")
        return cls(private_key=key, certificate=leaf, chain=_ordered_chain(leaf, others))

    def key_pem(self, *, password: bytes | None = None) -> bytes:
        encryption: serialization.KeySerializationEncryption = (
            serialization.BestAvailableEncryption(password)
            if password
            else serialization.NoEncryption()
        )
        return self.private_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
        )

    def cert_pem(self, *, include_chain: bool = True) -> bytes:
        certs = (self.certificate, *self.chain) if include_chain else (self.certificate,)
        return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certs)

    @property
    def root(self) -> x509.Certificate:
        """The last certificate of the chain: the trust anchor verifiers must be given."""
        return self.chain[-1] if self.chain else self.certificate


def _ordered_chain(
    leaf: x509.Certificate, others: Sequence[x509.Certificate]
) -> tuple[x509.Certificate, ...]:
    """The issuers of ``leaf`` nearest first, whatever order the file listed them in."""
    remaining = list(others)
    chain: list[x509.Certificate] = []
    current = leaf
    while remaining and current.issuer != current.subject:
        issuer = next((c for c in remaining if c.subject == current.issuer), None)
        if issuer is None:
            break
        remaining.remove(issuer)
        chain.append(issuer)
        current = issuer
    # Unrelated extras are kept (after the path) rather than silently dropped.
    return (*chain, *remaining)


def issue_certificate(
    common_name: str,
    organisation: str,
    issuer: SigningIdentity,
    *,
    valid_days: int = 3650,
    crl_url: str | None = None,
    purpose: str = "sign",
) -> SigningIdentity:
    """A new key (EC P-256; RSA-2048 for a TSA) with a certificate issued by ``issuer``.

    ``purpose`` is ``"sign"`` (a PDF signer: non-repudiation), ``"ca"`` (an issuing CA under
    ``issuer``) or ``"tsa"`` (a time-stamping unit). ``crl_url`` goes into the certificate's
    CRL distribution point, where validators look for the issuer's revocation list.
    """
    if not issuer.is_ca:
        raise ValueError("issuer certificate is not a CA")
    return _build_identity(
        common_name, organisation, issuer, valid_days=valid_days, crl_url=crl_url, purpose=purpose
    )


def generate_identity(
    common_name: str,
    organisation: str,
    issuer: SigningIdentity | None = None,
    *,
    valid_days: int = 3650,
) -> SigningIdentity:
    """A dev/test identity: without ``issuer`` a self-signed root CA, with one a signing leaf.

    Self-signed roots are for development and tests only; production loads its issuing CA from
    configuration (``certificate.identities.keystore``) and issues leaves with
    :func:`issue_certificate`.
    """
    if issuer is None:
        return _build_identity(common_name, organisation, None, valid_days=valid_days)
    return issue_certificate(common_name, organisation, issuer, valid_days=valid_days)


def _build_identity(
    common_name: str,
    organisation: str,
    issuer: SigningIdentity | None,
    *,
    valid_days: int,
    crl_url: str | None = None,
    purpose: str = "ca",
) -> SigningIdentity:
    # TSAs conventionally sign with RSA (and pyHanko's in-process test TSA only can).
    key: SigningKey = (
        rsa.generate_private_key(public_exponent=65537, key_size=2048)
        if purpose == "tsa"
        else ec.generate_private_key(ec.SECP256R1())
    )
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )
    is_ca = issuer is None or purpose == "ca"
    # Backdated so that clock skew between signer and verifier cannot make it "not yet valid".
    not_before = utcnow() - timedelta(days=1)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_before + timedelta(days=valid_days))
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .add_extension(x509.BasicConstraints(ca=is_ca, path_length=None), critical=True)
    )
    if issuer is None:
        builder = builder.issuer_name(subject).add_extension(_key_usage(ca=True), critical=True)
        cert = builder.sign(key, hashes.SHA256())
        return SigningIdentity(private_key=key, certificate=cert)

    builder = builder.issuer_name(issuer.certificate.subject).add_extension(
        x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.private_key.public_key()),
        critical=False,
    )
    if crl_url:
        builder = builder.add_extension(
            x509.CRLDistributionPoints(
                [
                    x509.DistributionPoint(
                        full_name=[x509.UniformResourceIdentifier(crl_url)],
                        relative_name=None,
                        reasons=None,
                        crl_issuer=None,
                    )
                ]
            ),
            critical=False,
        )
    if purpose == "tsa":
        # RFC 3161 §2.3: a TSA certificate has exactly this EKU, marked critical.
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
        )
    # pyHanko requires non-repudiation (content commitment) on PDF signer certs.
    builder = builder.add_extension(_key_usage(ca=is_ca), critical=True)
    cert = builder.sign(issuer.private_key, hashes.SHA256())
    return SigningIdentity(
        private_key=key, certificate=cert, chain=(issuer.certificate, *issuer.chain)
    )


def make_crl(
    issuer: SigningIdentity,
    revoked_serials: Sequence[int] = (),
    *,
    valid_for: timedelta = timedelta(days=7),
) -> bytes:
    """A DER CRL signed by ``issuer`` listing ``revoked_serials``, valid from now."""
    now = utcnow() - timedelta(minutes=5)
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuer.certificate.subject)
        .last_update(now)
        .next_update(now + valid_for)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.private_key.public_key()),
            critical=False,
        )
        # A CRL number is required by RFC 5280 §5.2.3; seconds since the epoch only grow.
        .add_extension(x509.CRLNumber(int(now.timestamp())), critical=False)
    )
    for serial in revoked_serials:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(now).build()
        )
    return builder.sign(issuer.private_key, hashes.SHA256()).public_bytes(
        serialization.Encoding.DER
    )


def _key_usage(*, ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=not ca,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def _to_asn1_cert(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def _common_name(cert: x509.Certificate) -> str | None:
    attrs = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    if not attrs:
        return None
    value = attrs[0].value
    return value if isinstance(value, str) else value.decode()


@dataclass(frozen=True, slots=True)
class LongTermValidation:
    """What turns a PAdES B-B signature into B-LT: an RFC 3161 signature timestamp and the
    validation data (certificates, CRLs / OCSP responses) in the document's DSS, so a reader
    can check the signature years later without reaching any server."""

    # Anchors the signer's and the TSA's chains must reach; signing fails otherwise.
    trust_roots: tuple[x509.Certificate, ...]
    tsa_url: str | None = None
    # An in-process time-stamper instead of ``tsa_url`` (benchmarks, tests).
    timestamper: TimeStamper | None = None
    # DER CRLs the signer already holds (its own issuing CA's), so they need no fetching.
    crls: tuple[bytes, ...] = ()
    # Fetch what is missing from the certificates' CRL distribution points / OCSP URLs.
    allow_fetching: bool = True
    tsa_timeout_s: int = 10

    def make_timestamper(self) -> TimeStamper | None:
        if self.timestamper is not None:
            return self.timestamper
        if self.tsa_url:
            return HTTPTimeStamper(
                self.tsa_url, https=self.tsa_url.startswith("https:"), timeout=self.tsa_timeout_s
            )
        return None


def sign_pdf(
    pdf: bytes,
    identity: SigningIdentity,
    field_name: str,
    reason: str,
    location: str | None = None,
    *,
    long_term: LongTermValidation | None = None,
) -> bytes:
    """Add a PAdES signature as an incremental update and return the new PDF.

    Baseline B without ``long_term``; with it, B-T (timestamp) and B-LT (validation data in
    the DSS, appended as one more incremental update). Revocation data is required: a
    signature whose chain cannot be checked for revocation is refused rather than issued
    without it.

    ``field_name`` should name one of the empty fields created by ``render_certificate``;
    if no such field exists pyHanko adds an invisible one. Signing a field that already
    holds a signature raises ``pyhanko.sign.general.SigningError``.
    """
    # Unannotated in pyhanko-certvalidator; a typed binding avoids an ignore comment.
    from_certs: Callable[[list[asn1_x509.Certificate]], SimpleCertificateStore] = (
        SimpleCertificateStore.from_certs
    )
    chain_store = from_certs([_to_asn1_cert(c) for c in identity.chain])
    signer = signers.SimpleSigner(
        signing_cert=_to_asn1_cert(identity.certificate),
        signing_key=asn1_keys.PrivateKeyInfo.load(
            identity.private_key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        ),
        cert_registry=chain_store,
    )
    validation_context = None
    timestamper = None
    if long_term is not None:
        validation_context = ValidationContext(
            trust_roots=[_to_asn1_cert(c) for c in long_term.trust_roots],
            other_certs=[_to_asn1_cert(c) for c in identity.chain],
            crls=[asn1_crl.CertificateList.load(c) for c in long_term.crls],
            allow_fetching=long_term.allow_fetching,
            revocation_mode="require",
        )
        timestamper = long_term.make_timestamper()
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        reason=reason,
        location=location,
        name=identity.common_name,
        md_algorithm="sha256",
        subfilter=SigSeedSubFilter.PADES,
        embed_validation_info=long_term is not None,
        validation_context=validation_context,
    )
    # NoOp keeps the blank widget appearance: the printed stamp is the visible mark, and
    # pyHanko's default text stamp cannot render Chinese signer names with its base font.
    pdf_signer = signers.PdfSigner(
        meta, signer, timestamper=timestamper, stamp_style=NoOpStampStyle()
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    out = io.BytesIO()
    pdf_signer.sign_pdf(writer, output=out)
    return out.getvalue()


@dataclass(frozen=True, slots=True)
class SignatureCheck:
    """Verification outcome for one embedded signature, in signing order."""

    field_name: str
    signer_common_name: str | None
    signing_time: datetime | None
    # The signed byte ranges hash to the digest in the signature.
    intact: bool
    # The CMS signature over that digest verifies with the signer's public key.
    valid: bool
    # A certificate path to one of the given trust roots validates.
    trusted: bool
    # pyHanko SignatureCoverageLevel name, e.g. ENTIRE_FILE or ENTIRE_REVISION.
    coverage: str | None
    # pyHanko ModificationLevel name for changes appended after this signature.
    modification_level: str | None
    # True when later revisions did more than fill signature fields / add validation data.
    modified_after_signing: bool
    error: str | None = None
    # An RFC 3161 signature timestamp is present, intact and from a trusted TSA.
    timestamped: bool = False
    # Checked only when asked (``verify_pdf(check_long_term=True)``): the signature and its
    # timestamp validate with revocation required, from the DSS alone, with no fetching.
    long_term: bool | None = None

    @property
    def ok(self) -> bool:
        return (
            self.error is None
            and self.intact
            and self.valid
            and self.trusted
            and not self.modified_after_signing
        )


def verify_pdf(
    pdf: bytes,
    trust_roots: Sequence[x509.Certificate],
    *,
    validation_time: datetime | None = None,
    check_long_term: bool = False,
) -> list[SignatureCheck]:
    """Validate every signature in ``pdf`` against ``trust_roots`` only (no system store).

    ``check_long_term`` also answers whether each signature is PAdES B-LT (see
    :attr:`SignatureCheck.long_term`); it costs a second validation per signature.

    Returns ``[]`` for an unsigned PDF. A signature that cannot be validated at all (e.g.
    a corrupted CMS blob) yields a check with ``error`` set instead of raising, because the
    input is untrusted. Raises :class:`PdfVerificationError` if the file is not a readable PDF.
    """
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        embedded: list[EmbeddedPdfSignature] = list(reader.embedded_signatures)
    except (PdfError, ValueError, KeyError, IndexError, TypeError) as exc:
        raise PdfVerificationError(f"not a readable PDF: {exc}") from exc

    roots = [_to_asn1_cert(c) for c in trust_roots]
    checks = [_check_signature(sig, roots, validation_time) for sig in embedded]
    if not check_long_term:
        return checks
    try:
        dss: DocumentSecurityStore | None = DocumentSecurityStore.read_dss(reader)
    except Exception:
        dss = None
    return [
        replace(check, long_term=_is_long_term(sig, roots, dss))
        for check, sig in zip(checks, embedded, strict=True)
    ]


def _is_long_term(
    sig: EmbeddedPdfSignature,
    roots: list[asn1_x509.Certificate],
    dss: DocumentSecurityStore | None,
) -> bool:
    """B-LT: timestamped, and the document itself carries every certificate and revocation
    answer needed to validate the signer and the TSA (revocation required, nothing fetched)."""
    if dss is None:
        return False
    kwargs = {"trust_roots": roots, "allow_fetching": False, "revocation_mode": "require"}
    try:
        status = validate_pdf_signature(
            sig,
            signer_validation_context=dss.as_validation_context(kwargs),
            ts_validation_context=dss.as_validation_context(kwargs),
        )
    except Exception:
        return False
    ts = status.timestamp_validity
    return bool(
        status.intact
        and status.valid
        and status.trusted
        and ts is not None
        and ts.intact
        and ts.valid
        and ts.trusted
    )


def _check_signature(
    sig: EmbeddedPdfSignature,
    roots: list[asn1_x509.Certificate],
    validation_time: datetime | None,
) -> SignatureCheck:
    field_name = str(sig.field_name)
    try:
        signer_cn = _common_name(x509.load_der_x509_certificate(sig.signer_cert.dump()))
    except Exception:
        signer_cn = None
    # A fresh context per signature: contexts cache path-validation state, and fetching is
    # off so verification never depends on the network (dev certs have no CRL/OCSP URLs).
    context = ValidationContext(
        trust_roots=roots,
        allow_fetching=False,
        revocation_mode="soft-fail",
        moment=validation_time,
    )
    ts_context = ValidationContext(
        trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail"
    )
    try:
        status: PdfSignatureStatus = validate_pdf_signature(
            sig, signer_validation_context=context, ts_validation_context=ts_context
        )
    except Exception as exc:
        # Malformed or tampered input can make pyHanko raise from many layers; the caller
        # only needs to know this signature does not verify.
        return SignatureCheck(
            field_name=field_name,
            signer_common_name=signer_cn,
            signing_time=None,
            intact=False,
            valid=False,
            trusted=False,
            coverage=None,
            modification_level=None,
            modified_after_signing=True,
            error=f"{type(exc).__name__}: {exc}",
        )

    coverage = status.coverage
    mod_level = status.modification_level
    modified = (
        coverage is None
        or coverage < SignatureCoverageLevel.ENTIRE_REVISION
        or mod_level not in _ALLOWED_LATER_CHANGES
        or status.docmdp_ok is False
    )
    ts = status.timestamp_validity
    return SignatureCheck(
        field_name=field_name,
        signer_common_name=signer_cn,
        # The TSA's time when there is one: the signer's own clock is only a claim.
        signing_time=ts.timestamp if ts is not None else status.signer_reported_dt,
        intact=status.intact,
        valid=status.valid,
        trusted=status.trusted,
        coverage=coverage.name if coverage is not None else None,
        modification_level=mod_level.name if mod_level is not None else None,
        modified_after_signing=modified,
        timestamped=ts is not None and ts.intact and ts.valid and ts.trusted,
    )
