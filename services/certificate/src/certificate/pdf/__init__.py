"""E-certificate PDF rendering, PAdES signing and verification (no project dependencies)."""

from certificate.pdf.render import (
    HEAD_SIGNATURE_FIELD,
    ORG_SIGNATURE_FIELD,
    SIGNATURE_FIELD_BOXES,
    CertificateContent,
    render_certificate,
)
from certificate.pdf.sign import (
    PdfVerificationError,
    SignatureCheck,
    SigningIdentity,
    SigningKey,
    generate_identity,
    sign_pdf,
    verify_pdf,
)

__all__ = [
    "HEAD_SIGNATURE_FIELD",
    "ORG_SIGNATURE_FIELD",
    "SIGNATURE_FIELD_BOXES",
    "CertificateContent",
    "PdfVerificationError",
    "SignatureCheck",
    "SigningIdentity",
    "SigningKey",
    "generate_identity",
    "render_certificate",
    "sign_pdf",
    "verify_pdf",
]
