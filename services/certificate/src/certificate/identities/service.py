"""Signing identities (签名证书) of institution heads and organisations, and the trust roots.

In dev and test a dev CA is generated at startup and one leaf per institution / organisation
on first use, all kept in `signing_identities`. In the prod profile nothing is generated:
identities must be provisioned (keys from an HSM or secret settings) and a missing one is a
configuration error, never a reason to mint a new key.
"""

from __future__ import annotations

import asyncio
from uuid import uuid4

from cryptography import x509
from sqlalchemy.ext.asyncio import AsyncSession

from certificate.config import CertificateSettings
from certificate.identities.models import StoredIdentity
from certificate.identities.repository import IdentityRepository
from certificate.identities.rules import (
    DEV_CA_NAME,
    DEV_CA_ORGANISATION,
    IdentityKind,
    leaf_common_name,
)
from certificate.pdf import SigningIdentity, generate_identity
from skillcert.clock import utcnow
from skillcert.errors import ServiceUnavailable
from skillcert.settings import Profile


class IdentityService:
    def __init__(self, session: AsyncSession, settings: CertificateSettings) -> None:
        self.repo = IdentityRepository(session)
        self.settings = settings

    @property
    def may_generate(self) -> bool:
        return self.settings.profile is not Profile.PROD

    async def ca(self) -> SigningIdentity:
        stored = await self.repo.get(IdentityKind.CA, "")
        if stored is None:
            self._require_generation("CA")
            identity = await asyncio.to_thread(generate_identity, DEV_CA_NAME, DEV_CA_ORGANISATION)
            stored = await self.repo.add_if_absent(_to_row(IdentityKind.CA, "", identity))
        return _load(stored)

    async def leaf(self, kind: IdentityKind, owner_id: str, owner_name: str) -> SigningIdentity:
        """The identity signing for `owner_id`, created (dev only) on first use."""
        stored = await self.repo.get(kind, owner_id)
        if stored is None:
            self._require_generation(f"{kind} {owner_id}")
            ca = await self.ca()
            identity = await asyncio.to_thread(
                generate_identity, leaf_common_name(kind, owner_name), owner_name, ca
            )
            stored = await self.repo.add_if_absent(_to_row(kind, owner_id, identity))
        return _load(stored)

    async def trust_roots(self) -> list[x509.Certificate]:
        """The anchors verification accepts: the stored CA plus any configured roots."""
        roots: list[x509.Certificate] = []
        pems = await self.repo.ca_cert_pems()
        if not pems and self.may_generate:
            pems = [(await self.ca()).cert_pem().decode()]
        for pem in pems:
            roots.extend(x509.load_pem_x509_certificates(pem.encode()))
        if self.settings.trust_roots_pem.strip():
            roots.extend(x509.load_pem_x509_certificates(self.settings.trust_roots_pem.encode()))
        return roots

    def _require_generation(self, what: str) -> None:
        if not self.may_generate:
            raise ServiceUnavailable(f"签名证书未配置（{what}），请联系平台运维")


def _to_row(kind: IdentityKind, owner_id: str, identity: SigningIdentity) -> StoredIdentity:
    return StoredIdentity(
        id=uuid4(),
        kind=kind,
        owner_id=owner_id,
        common_name=identity.common_name or "",
        key_pem=identity.key_pem().decode(),
        cert_pem=identity.cert_pem().decode(),
        created_at=utcnow(),
    )


def _load(stored: StoredIdentity) -> SigningIdentity:
    return SigningIdentity.from_pem(stored.key_pem.encode(), stored.cert_pem.encode())
