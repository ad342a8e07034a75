"""Signature stamps (签名章): the institution head accepts the authorisation agreement, uploads
a PNG with a presigned URL, previews it on a sample certificate and confirms it; the service
checks what arrived before the stamp is used. The organisation uploads its seal the same way
(it signs no agreement: the seal is the organisation's own, not a person's signature)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from certificate.pdf import CertificateContent, render_certificate
from certificate.stamps.models import Stamp, StampAgreement, StampAgreementAcceptance
from certificate.stamps.repository import StampRepository
from certificate.stamps.rules import (
    AGREEMENT_TITLE,
    AGREEMENT_V1,
    belongs_to,
    organisation_owner,
    png_info,
    stamp_problems,
    upload_key,
)
from skillcert.auth import Principal, Role
from skillcert.clock import china_today, utcnow
from skillcert.db import advisory_lock
from skillcert.errors import FieldError, Forbidden, InvalidInput, NotFound, RuleViolation
from skillcert.storage import ObjectStore, PresignedUpload

AGREEMENT_LOCK = "certificate:stamp-agreement"
AGREEMENT_NEEDED = "请先阅读并同意《电子签名章使用授权委托书》"
NO_STAMP = "尚未上传签名章"


class StampService:
    def __init__(self, session: AsyncSession, storage: ObjectStore, max_bytes: int) -> None:
        self.repo = StampRepository(session)
        self.session = session
        self.storage = storage
        self.max_bytes = max_bytes

    # --- the authorisation agreement (heads only) -----------------------------------------

    async def agreement(self) -> StampAgreement:
        """The current version; the first use stores version 1."""
        current = await self.repo.current_agreement()
        if current is not None:
            return current
        await advisory_lock(self.session, AGREEMENT_LOCK)
        current = await self.repo.current_agreement()
        if current is None:
            current = StampAgreement(
                version=1, title=AGREEMENT_TITLE, body=AGREEMENT_V1, published_at=utcnow()
            )
            await self.repo.add(current)
        return current

    async def publish_agreement(self, title: str, body: str) -> StampAgreement:
        """A new version (operators): every head must accept it before the next upload."""
        await self.agreement()
        await advisory_lock(self.session, AGREEMENT_LOCK)
        row = StampAgreement(
            version=await self.repo.last_agreement_version() + 1,
            title=title,
            body=body,
            published_at=utcnow(),
        )
        await self.repo.add(row)
        return row

    async def acceptance_of(self, principal: Principal) -> StampAgreementAcceptance | None:
        current = await self.agreement()
        return await self.repo.acceptance(principal.account_id, current.version)

    async def accept(self, principal: Principal, version: int, ip: str) -> StampAgreementAcceptance:
        institution_id = _head_institution(principal)
        current = await self.agreement()
        if version != current.version:
            message = f"委托书已更新为第 {current.version} 版，请阅读后重新同意"
            raise InvalidInput(message, errors=[FieldError(field="version", message=message)])
        existing = await self.repo.acceptance(principal.account_id, version)
        if existing is not None:
            return existing
        row = StampAgreementAcceptance(
            institution_id=institution_id,
            account_id=principal.account_id,
            signer_name=principal.name,
            version=version,
            ip=ip[:64],
            accepted_at=utcnow(),
        )
        await self.repo.add(row)
        return row

    async def _require_agreement(self, principal: Principal) -> None:
        if principal.role is Role.INSTITUTION_HEAD and await self.acceptance_of(principal) is None:
            raise RuleViolation(AGREEMENT_NEEDED)

    # --- upload, preview, confirm ---------------------------------------------------------

    async def upload_url(self, principal: Principal) -> tuple[str, PresignedUpload]:
        owner = _owner_of(principal)
        await self._require_agreement(principal)
        key = upload_key(owner)
        return key, await self.storage.presign_upload(key, "image/png")

    async def _checked(self, principal: Principal, object_key: str) -> tuple[str, bytes]:
        owner = _owner_of(principal)
        await self._require_agreement(principal)
        if not belongs_to(object_key, owner):
            raise _bad(["上传地址无效，请重新获取"])
        info = await self.storage.stat(object_key)
        if info is None:
            raise _bad(["未找到上传的签名章，请先上传"])
        if info.size > self.max_bytes:
            # Not read at all: the size alone disqualifies it.
            raise _bad([f"签名章大小不能超过 {self.max_bytes // 1_000_000}M"])
        data = await self.storage.get(object_key, max_bytes=self.max_bytes)
        problems = stamp_problems(data, self.max_bytes)
        if problems:
            raise _bad(problems)
        return owner, data

    async def preview(self, principal: Principal, object_key: str) -> bytes:
        """A sample certificate (unsigned, marked 样例) with the uploaded stamp in its place,
        so the head sees how it prints before it replaces the stamp in use."""
        owner, data = await self._checked(principal, object_key)
        # An organisation's preview shows only its own seal: the head's stamp is never shown
        # to anybody but the head.
        is_org = principal.role is Role.ORG_ADMIN
        content = CertificateContent(
            holder_name="样例",
            id_number="110101********0000",
            occupation="证书样例（预览，不作为证书使用）",
            level="样例",
            certificate_no="SAMPLE00000000",
            issue_date=china_today(utcnow()),
            organisation_name="培训评价组织（样例）",
            institution_name=f"考核站点（{owner}）",
            verify_url="https://example.invalid/verify?number=SAMPLE",
            head_stamp_png=None if is_org else data,
            org_stamp_png=data if is_org else None,
        )
        return await asyncio.to_thread(render_certificate, content)

    async def confirm(self, principal: Principal, object_key: str) -> Stamp:
        owner, data = await self._checked(principal, object_key)
        size = png_info(data)
        return await self.repo.save(
            Stamp(
                institution_id=owner,
                object_key=object_key,
                size=len(data),
                width=size.width,
                height=size.height,
                uploaded_by=principal.account_id,
                uploaded_at=utcnow(),
            )
        )

    async def mine(self, principal: Principal, ttl: timedelta) -> tuple[Stamp, str]:
        """The caller's own stamp and a short-lived link to it: the head's for the head, the
        seal for the organisation; there is no way to ask for anyone else's."""
        stamp = await self.repo.get(_owner_of(principal))
        if stamp is None:
            raise NotFound(NO_STAMP)
        return stamp, await self.storage.presign_download(stamp.object_key, ttl)

    async def has_stamp(self, owner: str) -> bool:
        return await self.repo.get(owner) is not None

    async def png_for(self, institution_id: str) -> bytes | None:
        """The institution's stamp image, or None when the head has not uploaded one; for an
        organisation's, pass ``rules.organisation_owner(org_id)``. Only issuance calls this."""
        stamp = await self.repo.get(institution_id)
        if stamp is None:
            return None
        return await self.storage.get(stamp.object_key, max_bytes=self.max_bytes)


def _bad(messages: list[str]) -> InvalidInput:
    return InvalidInput(
        "；".join(messages),
        errors=[FieldError(field="object_key", message=message) for message in messages],
    )


def _owner_of(principal: Principal) -> str:
    """Whose stamp the caller manages: the head's institution, or the organisation itself."""
    if principal.org_id is None:
        raise Forbidden("当前账号未关联考核站点或培训评价组织")
    if principal.role is Role.ORG_ADMIN:
        return organisation_owner(principal.org_id)
    if principal.role is Role.INSTITUTION_HEAD:
        return principal.org_id
    raise Forbidden("仅考核站点负责人可以管理签名章")


def _head_institution(principal: Principal) -> str:
    if principal.role is not Role.INSTITUTION_HEAD or principal.org_id is None:
        raise Forbidden("仅考核站点负责人可以签署授权委托书")
    return principal.org_id
