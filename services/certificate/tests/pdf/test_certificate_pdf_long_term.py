"""PAdES B-LT: RFC 3161 timestamps from a TSA over HTTP and validation data in the DSS, checked
by pyHanko's validator and by poppler's pdfsig against the configured root only.

The PKI (root CA, issuing CA, TSA, CRLs) is `skillcert_devtools.pki.DevPki`, served on
127.0.0.1 for the module: the signer fetches the timestamp and the root's CRL over HTTP.
"""

from __future__ import annotations

import io
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from asn1crypto import crl as asn1_crl
from asn1crypto import x509 as asn1_x509
from certificate_testkit import flip_byte_in_page_content
from cryptography.hazmat.primitives.serialization import Encoding
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.general import SigningError
from pyhanko.sign.timestamps import TimestampRequestError
from pyhanko.sign.validation import DocumentSecurityStore, validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from certificate.pdf import (
    HEAD_SIGNATURE_FIELD,
    ORG_SIGNATURE_FIELD,
    LongTermValidation,
    SigningIdentity,
    issue_certificate,
    sign_pdf,
    verify_pdf,
)
from skillcert_devtools.pki import DevPki


@pytest.fixture(scope="module")
def pki() -> Iterator[DevPki]:
    with DevPki.create() as pki:
        yield pki


@pytest.fixture(scope="module")
def head(pki: DevPki) -> SigningIdentity:
    return issue_certificate(
        "王站长 考核站点负责人",
        "北京市第一职业技能考核站",
        pki.issuing,
        crl_url=pki.crl_url("issuing"),
    )


@pytest.fixture(scope="module")
def org(pki: DevPki) -> SigningIdentity:
    return issue_certificate(
        "某某培训评价组织", "某某培训评价组织", pki.issuing, crl_url=pki.crl_url("issuing")
    )


def _long_term(pki: DevPki, **kwargs: object) -> LongTermValidation:
    # As the service signs: its issuing CA's own CRL in hand, the root's fetched over HTTP.
    return LongTermValidation(
        trust_roots=(pki.root.certificate,),
        tsa_url=pki.tsa_url,
        crls=(pki.crl("issuing"),),
        **kwargs,  # type: ignore[arg-type]
    )


@pytest.fixture(scope="module")
def signed_lt(
    certificate_pdf: bytes, pki: DevPki, head: SigningIdentity, org: SigningIdentity
) -> bytes:
    once = sign_pdf(
        certificate_pdf, head, HEAD_SIGNATURE_FIELD, "考核站点负责人签署", long_term=_long_term(pki)
    )
    return sign_pdf(once, org, ORG_SIGNATURE_FIELD, "培训评价组织签发", long_term=_long_term(pki))


def test_both_signatures_are_timestamped_trusted_and_long_term(
    signed_lt: bytes, pki: DevPki
) -> None:
    checks = verify_pdf(signed_lt, [pki.root.certificate], check_long_term=True)

    assert [c.field_name for c in checks] == [HEAD_SIGNATURE_FIELD, ORG_SIGNATURE_FIELD]
    for check in checks:
        assert check.ok, check
        assert check.timestamped, check
        assert check.long_term is True, check
    # The head's signature sees the organisation's signature and the DSS appended after it.
    assert checks[0].modification_level == "FORM_FILLING"


def test_pyhanko_validates_each_signature_from_the_dss_alone(signed_lt: bytes, pki: DevPki) -> None:
    """The B-LT property spelled out with pyHanko's own API: trust only the root, fetch
    nothing, require revocation data for every certificate of the signer's and the TSA's paths
    — everything must come from the document."""
    reader = PdfFileReader(io.BytesIO(signed_lt))
    dss = DocumentSecurityStore.read_dss(reader)
    root = asn1_x509.Certificate.load(pki.root.certificate.public_bytes(Encoding.DER))
    kwargs = {"trust_roots": [root], "allow_fetching": False, "revocation_mode": "require"}

    for sig in reader.embedded_signatures:
        status = validate_pdf_signature(
            sig,
            signer_validation_context=dss.as_validation_context(kwargs),
            ts_validation_context=dss.as_validation_context(kwargs),
        )
        assert status.intact and status.valid and status.trusted, status.summary()
        assert status.timestamp_validity is not None
        assert status.timestamp_validity.trusted
        signer = status.signing_cert.subject.native["common_name"]
        assert signer in {"王站长 考核站点负责人", "某某培训评价组织"}

    # The DSS holds the CRLs of both CAs (the root's covers the issuing CA and the TSA).
    issuers = {
        asn1_crl.CertificateList.load(ref.get_object().data)["tbs_cert_list"]["issuer"].native[
            "common_name"
        ]
        for ref in dss.crls
    }
    assert issuers == {"Skillcert Test Root CA", "Skillcert Test Issuing CA"}


def test_without_the_dss_revocation_cannot_be_checked(signed_lt: bytes, pki: DevPki) -> None:
    # The other side of the DSS test: the same strict context with no embedded data fails.
    reader = PdfFileReader(io.BytesIO(signed_lt))
    root = asn1_x509.Certificate.load(pki.root.certificate.public_bytes(Encoding.DER))
    context = ValidationContext(
        trust_roots=[root], allow_fetching=False, revocation_mode="require", crls=[]
    )
    status = validate_pdf_signature(reader.embedded_signatures[0], context)
    assert status.intact and status.valid
    assert not status.trusted


def test_a_plain_b_b_signature_is_not_long_term(
    certificate_pdf: bytes, pki: DevPki, head: SigningIdentity
) -> None:
    signed = sign_pdf(certificate_pdf, head, HEAD_SIGNATURE_FIELD, "B-B")

    [check] = verify_pdf(signed, [pki.root.certificate], check_long_term=True)

    assert check.ok
    assert not check.timestamped
    assert check.long_term is False


def test_tampering_breaks_both_long_term_signatures(signed_lt: bytes, pki: DevPki) -> None:
    tampered = flip_byte_in_page_content(signed_lt)

    checks = verify_pdf(tampered, [pki.root.certificate], check_long_term=True)

    assert len(checks) == 2
    for check in checks:
        assert not check.intact and not check.ok
        assert check.long_term is False


def test_an_unreachable_tsa_refuses_to_sign(
    certificate_pdf: bytes, pki: DevPki, head: SigningIdentity
) -> None:
    # Never fall back to an unstamped signature: the certificate would not be long-term.
    dead = LongTermValidation(
        trust_roots=(pki.root.certificate,), tsa_url="http://127.0.0.1:9/tsa", tsa_timeout_s=2
    )
    with pytest.raises(TimestampRequestError):
        sign_pdf(certificate_pdf, head, HEAD_SIGNATURE_FIELD, "无时间戳", long_term=dead)


def test_a_revoked_signer_cannot_sign(certificate_pdf: bytes, pki: DevPki) -> None:
    revoked = issue_certificate("被吊销的负责人", "X", pki.issuing, crl_url=pki.crl_url("issuing"))
    pki.revoked["issuing"].add(revoked.certificate.serial_number)
    try:
        with pytest.raises(SigningError):
            sign_pdf(
                certificate_pdf, revoked, HEAD_SIGNATURE_FIELD, "吊销", long_term=_long_term(pki)
            )
    finally:
        pki.revoked["issuing"].discard(revoked.certificate.serial_number)


def test_signer_under_another_root_is_refused(certificate_pdf: bytes, pki: DevPki) -> None:
    with DevPki.create() as other:
        stranger = issue_certificate("他人", "X", other.issuing, crl_url=other.crl_url("issuing"))
        with pytest.raises(SigningError):
            sign_pdf(
                certificate_pdf, stranger, HEAD_SIGNATURE_FIELD, "他人", long_term=_long_term(pki)
            )


# --- pdfsig (poppler, over NSS): what a reader's PDF viewer says ---------------------------


def _nss_db(tmp_path: Path, trusted_root_pem: str | None) -> str:
    db = f"sql:{tmp_path}"
    subprocess.run(["certutil", "-N", "--empty-password", "-d", db], check=True)
    if trusted_root_pem is not None:
        root = tmp_path / "root.pem"
        root.write_text(trusted_root_pem)
        # C: trusted to issue server/client certs, T: ... and e-mail/object signers.
        subprocess.run(
            ["certutil", "-A", "-n", "skillcert-root", "-t", "CT,C,CT", "-i", str(root), "-d", db],
            check=True,
        )
    return db


def _pdfsig(pdf: bytes, tmp_path: Path, db: str) -> str:
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf)
    # No -no-ocsp: with it poppler reports an "unknown issue" for every certificate; the
    # certificates carry no OCSP URL, so nothing is fetched either way.
    result = subprocess.run(
        ["pdfsig", "-nssdir", db, str(path)], capture_output=True, text=True, timeout=60
    )
    return result.stdout


def test_pdfsig_reports_both_signatures_valid_and_trusted(
    signed_lt: bytes, pki: DevPki, tmp_path: Path
) -> None:
    out = _pdfsig(signed_lt, tmp_path, _nss_db(tmp_path, pki.root_pem()))

    assert out.count("Signature Validation: Signature is Valid.") == 2, out
    assert out.count("Certificate Validation: Certificate is Trusted.") == 2, out
    assert "Signature Field Name: InstitutionHeadSignature" in out
    assert "Signature Field Name: OrganisationSignature" in out
    assert "ETSI.CAdES.detached" in out


def test_pdfsig_without_the_root_does_not_trust(signed_lt: bytes, tmp_path: Path) -> None:
    out = _pdfsig(signed_lt, tmp_path, _nss_db(tmp_path, None))

    assert out.count("Signature Validation: Signature is Valid.") == 2, out
    assert "Certificate is Trusted." not in out
    assert out.count("Certificate issuer isn't Trusted.") == 2, out


def test_pdfsig_detects_tampering(signed_lt: bytes, pki: DevPki, tmp_path: Path) -> None:
    out = _pdfsig(flip_byte_in_page_content(signed_lt), tmp_path, _nss_db(tmp_path, pki.root_pem()))

    assert "Signature is Valid." not in out, out
    assert out.count("Signature Validation: Digest Mismatch.") == 2, out
