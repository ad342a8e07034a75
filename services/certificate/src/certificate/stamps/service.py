"""Signature stamps (签名章): the institution head uploads a PNG with a presigned URL and
confirms it; the service checks what arrived before the stamp is used on certificates."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from certificate.stamps.models import Stamp
from certificate.stamps.repository import StampRepository
from certificate.stamps.rules import (
    belongs_to,
    organisation_owner,
    png_info,
    png_problem,
    upload_key,
)
from skillcert.auth import Principal, Role
from skillcert.clock import utcnow
from skillcert.errors import FieldError, Forbidden, InvalidInput
from skillcert.storage import ObjectStore, PresignedUpload


class StampService:
    def __init__(self, session: AsyncSession, storage: ObjectStore, max_bytes: int) -> None:
        self.repo = StampRepository(session)
        self.storage = storage
        self.max_bytes = max_bytes

    async def upload_url(self, principal: Principal) -> tuple[str, PresignedUpload]:
        key = upload_key(_institution_of(principal))
        return key, await self.storage.presign_upload(key, "image/png")

    async def confirm(self, principal: Principal, object_key: str) -> Stamp:
        institution_id = _institution_of(principal)
        if not belongs_to(object_key, institution_id):
            raise _bad("上传地址无效，请重新获取")
        info = await self.storage.stat(object_key)
        if info is None:
            raise _bad("未找到上传的签名章，请先上传")
        if info.size > self.max_bytes:
            raise _bad("签名章大小不能超过 1M")
        data = await self.storage.get(object_key, max_bytes=self.max_bytes)
        problem = png_problem(data)
        if problem is not None:
            raise _bad(problem)
        size = png_info(data)
        return await self.repo.save(
            Stamp(
                institution_id=institution_id,
                object_key=object_key,
                size=len(data),
                width=size.width,
                height=size.height,
                uploaded_by=principal.account_id,
                uploaded_at=utcnow(),
            )
        )

    async def png_for(self, institution_id: str) -> bytes | None:
        """The institution's stamp image, or None when the head has not uploaded one; for an
        organisation's, pass ``rules.organisation_owner(org_id)``."""
        stamp = await self.repo.get(institution_id)
        if stamp is None:
            return None
        return await self.storage.get(stamp.object_key, max_bytes=self.max_bytes)


def _bad(message: str) -> InvalidInput:
    return InvalidInput(message, errors=[FieldError(field="object_key", message=message)])


def _institution_of(principal: Principal) -> str:
    """Whose stamp the caller manages: the head's institution, or the organisation itself."""
    if principal.org_id is None:
        raise Forbidden("当前账号未关联考核站点或培训评价组织")
    if principal.role is Role.ORG_ADMIN:
        return organisation_owner(principal.org_id)
    return principal.org_id
