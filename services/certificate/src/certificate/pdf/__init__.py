"""E-certificate PDF rendering, PAdES signing and verification (no project dependencies)."""

from certificate.pdf.render import (
    HEAD_SIGNATURE_FIELD,
    ORG_SIGNATURE_FIELD,
    SIGNATURE_FIELD_BOXES,
    CertificateContent,
    render_certificate,
)
from certificate.pdf.sign import (
    LongTermValidation,
    PdfVerificationError,
    SignatureCheck,
    SigningIdentity,
    SigningKey,
    generate_identity,
    issue_certificate,
    make_crl,
    sign_pdf,
    verify_pdf,
)

__all__ = [
    "HEAD_SIGNATURE_FIELD",
    "ORG_SIGNATURE_FIELD",
    "SIGNATURE_FIELD_BOXES",
    "CertificateContent",
    "LongTermValidation",
    "PdfVerificationError",
    "SignatureCheck",
    "SigningIdentity",
    "SigningKey",
    "generate_identity",
    "issue_certificate",
    "make_crl",
    "render_certificate",
    "sign_pdf",
    "verify_pdf",
]
