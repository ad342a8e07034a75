"""The dev CA: a self-signed root generated for development and tests only.

Imported only when the profile is not prod and no issuing CA is configured (see
`identities.service`); production loads its issuing CA from configuration (`keystore`).
"""

from __future__ import annotations

from certificate.identities.rules import DEV_CA_NAME, DEV_CA_ORGANISATION
from certificate.pdf import SigningIdentity, generate_identity


def generate_dev_ca() -> SigningIdentity:
    return generate_identity(DEV_CA_NAME, DEV_CA_ORGANISATION)
