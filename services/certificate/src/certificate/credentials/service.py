"""Status lists, issuer keys and the holder's credential export (see rules.py for formats).

Everything is signed with the organisation's signing identity, the key that also signs its
certificates' PDFs, so there is one key per organisation to provision and protect."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from certificate.certificates.models import Certificate
from certificate.certificates.repository import CertificateRepository
from certificate.certificates.rules import Status
from certificate.config import CertificateSettings
from certificate.credentials.repository import StatusListRepository
from certificate.credentials.rules import (
    LIST_SIZE,
    Holding,
    Urls,
    issuer_profile,
    list_of,
    open_badge_credential,
    public_jwk,
    sign_vc_jwt,
    status_list_credential,
)
from certificate.identities.rules import IdentityKind
from certificate.identities.service import IdentityService
from certificate.pdf import SigningIdentity
from skillcert.errors import Conflict, NotFound

NO_ISSUER = "该发证机构尚未发布证书状态"
NO_CERTIFICATE = "证书不存在"


@dataclass(frozen=True)
class SignedList:
    jwt: str
    etag: str


class CredentialService:
    def __init__(self, session: AsyncSession, settings: CertificateSettings) -> None:
        self.session = session
        self.settings = settings
        self.lists = StatusListRepository(session)

    def urls(self, org_id: str) -> Urls:
        return Urls(self.settings.public_base_url, org_id)

    # --- at issue and revocation (called inside their transactions) ------------------------

    async def take_index(self, org_id: str, org_name: str, at: datetime) -> int:
        return await self.lists.take_index(org_id, org_name, at)

    async def revoked(self, org_id: str, at: datetime) -> None:
        """The certificate's bit is its status; this moves the lists' validFrom with it."""
        await self.lists.touch(org_id, at)

    # --- the issuer's public documents -----------------------------------------------------

    async def _issuer(self, org_id: str) -> tuple[str, SigningIdentity, dict[str, Any]]:
        status_list = await self.lists.get(org_id)
        if status_list is None:
            raise NotFound(NO_ISSUER)
        identity = await IdentityService(self.session, self.settings).leaf(
            IdentityKind.ORGANISATION, org_id, status_list.org_name
        )
        jwk = public_jwk(identity.private_key, identity.certificate, identity.chain)
        return status_list.org_name, identity, jwk

    async def profile(self, org_id: str) -> dict[str, Any]:
        org_name, _, _ = await self._issuer(org_id)
        return issuer_profile(self.urls(org_id), org_name)

    async def jwks(self, org_id: str) -> dict[str, Any]:
        _, _, jwk = await self._issuer(org_id)
        return {"keys": [jwk]}

    async def status_list(self, org_id: str, list_no: int) -> SignedList:
        status_list = await self.lists.get(org_id)
        if status_list is None or status_list.next_index == 0:
            raise NotFound(NO_ISSUER)
        last_list, _ = list_of(status_list.next_index - 1)
        if not 0 <= list_no <= last_list:
            raise NotFound("证书状态列表不存在")
        first = list_no * LIST_SIZE
        revoked = await self.lists.revoked_indexes(org_id, first, first + LIST_SIZE - 1)
        credential = status_list_credential(
            self.urls(org_id), list_no, [i - first for i in revoked], status_list.updated_at
        )
        _, identity, jwk = await self._issuer(org_id)
        # ECDSA signatures differ at each signing: the ETag names the content and the key.
        tag = hashlib.sha256(
            (
                credential["credentialSubject"]["encodedList"]
                + credential["validFrom"]
                + jwk["kid"]
            ).encode()
        ).hexdigest()[:32]
        return SignedList(sign_vc_jwt(credential, identity.private_key, jwk["kid"]), f'"{tag}"')

    # --- the holder's export ---------------------------------------------------------------

    async def export(self, candidate_id: UUID, certificate_id: UUID) -> tuple[str, Certificate]:
        """The candidate's own issued certificate as a signed OpenBadgeCredential (VC-JWT).
        Another candidate's certificate is "not found", never "forbidden"."""
        cert = await CertificateRepository(self.session).get(certificate_id)
        if cert is None or cert.candidate_id != candidate_id:
            raise NotFound(NO_CERTIFICATE)
        if cert.status != Status.ISSUED:
            raise Conflict(
                "证书已撤销，不能导出"
                if cert.status == Status.REVOKED
                else "证书尚未签发，不能导出"
            )
        assert cert.number and cert.org_id and cert.issued_at
        assert cert.status_list_index is not None
        _, identity, jwk = await self._issuer(cert.org_id)
        holding = Holding(
            certificate_id=str(cert.id),
            number=cert.number,
            holder_name=cert.holder_name,
            id_number=cert.id_number.strip().upper(),
            occupation=cert.occupation_name or "",
            level=cert.level_name or "",
            org_name=cert.org_name or "",
            institution_name=cert.institution_name,
            issued_at=cert.issued_at,
            status_index=cert.status_list_index,
        )
        credential = open_badge_credential(
            self.urls(cert.org_id), holding, salt=secrets.token_hex(8)
        )
        return sign_vc_jwt(credential, identity.private_key, jwk["kid"]), cert
