"""Signing identities (签名证书) of institution heads and organisations, and the trust roots.

Production (docs/security.md "Signing keys"): the issuing CA comes from configuration
(`keystore`); it issues each head's and each organisation's signing certificate the first time
one signs, with a fresh key stored encrypted in `signing_identities`. An organisation with its
own configured certificate signs with that one instead.

Development and test without a configured issuing CA: a self-signed dev CA is generated
(`certificate.identities.devca`) and stored, and acts as the issuing CA. The prod profile never
generates a CA: the keystore refuses to start without one.
"""

from __future__ import annotations

import asyncio
from uuid import uuid4

from cryptography import x509
from sqlalchemy.ext.asyncio import AsyncSession

from certificate.config import CertificateSettings
from certificate.identities.keystore import Keystore, decrypt_key, encrypt_key, keystore_for
from certificate.identities.models import StoredIdentity
from certificate.identities.repository import IdentityRepository
from certificate.identities.rules import IdentityKind, leaf_common_name
from certificate.pdf import LongTermValidation, SigningIdentity, issue_certificate, make_crl
from skillcert.clock import utcnow
from skillcert.errors import ServiceUnavailable
from skillcert.settings import Profile


class IdentityService:
    def __init__(self, session: AsyncSession, settings: CertificateSettings) -> None:
        self.repo = IdentityRepository(session)
        self.settings = settings
        self.keystore: Keystore = keystore_for(settings)

    @property
    def may_generate(self) -> bool:
        """Whether a dev CA is generated: outside prod, when no issuing CA is configured."""
        return self.settings.profile is not Profile.PROD and self.keystore.issuing_ca is None

    async def ca(self) -> SigningIdentity:
        """The CA that issues signer certificates: the configured one, else the dev CA."""
        if self.keystore.issuing_ca is not None:
            return self.keystore.issuing_ca
        stored = await self.repo.get(IdentityKind.CA, "")
        if stored is None:
            self._require_generation("CA")
            from certificate.identities import devca  # dev/test only, never reached in prod

            identity = await asyncio.to_thread(devca.generate_dev_ca)
            stored = await self.repo.add_if_absent(_to_row(IdentityKind.CA, "", identity, None))
        # The dev CA's key is stored in the clear (dev only), whatever the passphrase setting.
        return decrypt_key(stored.key_pem, stored.cert_pem, None)

    async def leaf(self, kind: IdentityKind, owner_id: str, owner_name: str) -> SigningIdentity:
        """The identity signing for `owner_id`, issued by the CA on first use."""
        if kind is IdentityKind.ORGANISATION and owner_id in self.keystore.organisations:
            return self.keystore.organisations[owner_id]
        stored = await self.repo.get(kind, owner_id)
        if stored is None:
            ca = await self.ca()
            identity = await asyncio.to_thread(
                issue_certificate,
                leaf_common_name(kind, owner_name),
                owner_name,
                ca,
                crl_url=self.keystore.crl_url or None,
            )
            stored = await self.repo.add_if_absent(
                _to_row(kind, owner_id, identity, self.keystore.key_passphrase)
            )
        return decrypt_key(stored.key_pem, stored.cert_pem, self.keystore.key_passphrase)

    async def trust_roots(self) -> list[x509.Certificate]:
        """The anchors verification accepts: any stored dev CA plus the configured roots."""
        roots: list[x509.Certificate] = []
        pems = await self.repo.ca_cert_pems()
        if not pems and self.may_generate:
            pems = [(await self.ca()).cert_pem().decode()]
        for pem in pems:
            roots.extend(x509.load_pem_x509_certificates(pem.encode()))
        return [*roots, *(r for r in self.keystore.roots if r not in roots)]

    async def long_term(self) -> LongTermValidation | None:
        """Timestamp and validation data to sign with (PAdES B-LT), when a TSA is configured."""
        if not self.keystore.tsa_url:
            return None
        crl = self.keystore.issuing_crl()
        if crl is None:
            crl = await asyncio.to_thread(make_crl, await self.ca())
        return LongTermValidation(
            trust_roots=tuple(await self.trust_roots()),
            tsa_url=self.keystore.tsa_url,
            tsa_timeout_s=self.keystore.tsa_timeout_s,
            crls=(crl,),
        )

    def _require_generation(self, what: str) -> None:
        if not self.may_generate:
            raise ServiceUnavailable(f"签名证书未配置（{what}），请联系平台运维")


def _to_row(
    kind: IdentityKind, owner_id: str, identity: SigningIdentity, passphrase: bytes | None
) -> StoredIdentity:
    return StoredIdentity(
        id=uuid4(),
        kind=kind,
        owner_id=owner_id,
        common_name=identity.common_name or "",
        key_pem=encrypt_key(identity, passphrase),
        cert_pem=identity.cert_pem().decode(),
        created_at=utcnow(),
    )
