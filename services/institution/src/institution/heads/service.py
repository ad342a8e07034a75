"""Replacing an institution's head (更换考核站点负责人, issue 11): a recorded act of the
institution's own province. The head slot moves to a new account id here; the gateway (it owns
accounts) retires the old account and makes the new one from `institution.head.replaced`.
Flushes only; the caller owns the transaction."""

from __future__ import annotations

import logging
from datetime import datetime
from uuid import uuid4

from sqlalchemy.ext.asyncio import AsyncSession

from institution.directory.models import DirectoryEntry
from institution.directory.service import DirectoryService, province_of
from institution.heads.models import HeadReplacement
from institution.heads.repository import HeadRepository
from institution.heads.rules import NEVER_SIGNED_UP, OTHER_PROVINCE, request_problems
from institution.heads.schemas import HeadReplacementIn, HeadReplacementOut
from institution.signup.rules import head_username
from skillcert.audit import audit
from skillcert.auth import Principal
from skillcert.errors import Conflict, Forbidden, InvalidInput
from skillcert.events import InstitutionHeadReplaced
from skillcert.outbox import record
from skillcert.pii import mask_phone

log = logging.getLogger(__name__)


def _out(entry: DirectoryEntry, row: HeadReplacement) -> HeadReplacementOut:
    return HeadReplacementOut(
        id=row.id,
        institution_code=entry.code,
        institution_name=entry.name,
        old_head_account_id=row.old_head_account_id,
        new_head_account_id=row.new_head_account_id,
        new_head_name=row.new_head_name,
        new_head_username=head_username(entry.code),
        new_head_phone=mask_phone(row.new_head_phone) or "",
        reason=row.reason,
        replaced_by_name=row.replaced_by_name,
        replaced_at=row.replaced_at,
    )


class HeadService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repo = HeadRepository(session)
        self.directory = DirectoryService(session)

    async def _own_entry(self, admin: Principal, code: str) -> DirectoryEntry:
        """The institution, of the admin's own province (the directory is public, so another
        province's institution is refused, not hidden)."""
        province = province_of(admin)
        entry = await self.directory.entry(code)
        if entry.province != province:
            raise Forbidden(OTHER_PROVINCE)
        return entry

    async def replace(
        self, admin: Principal, code: str, body: HeadReplacementIn, now: datetime
    ) -> HeadReplacementOut:
        entry = await self._own_entry(admin, code)
        if problems := request_problems(body.name, body.reason):
            raise InvalidInput(problems[0].message, errors=problems)
        head = await self.repo.head_for_update(entry.code)
        if head is None:
            raise Conflict(NEVER_SIGNED_UP)
        row = HeadReplacement(
            institution_code=entry.code,
            old_head_account_id=head.head_account_id,
            new_head_account_id=uuid4(),
            new_head_name=body.name.strip(),
            new_head_phone=body.phone,
            reason=body.reason.strip(),
            replaced_by=admin.account_id,
            replaced_by_name=admin.name,
            replaced_at=now,
        )
        head.head_account_id = row.new_head_account_id
        head.phone = body.phone
        await self.repo.add(row)
        await record(
            self.session,
            InstitutionHeadReplaced(
                institution_code=entry.code,
                institution_name=entry.name,
                old_head_account_id=row.old_head_account_id,
                new_head_account_id=row.new_head_account_id,
                new_head_name=row.new_head_name,
                new_head_username=head_username(entry.code),
                new_head_phone=body.phone,
                replaced_at=now,
            ),
        )
        await audit(
            self.session,
            admin,
            kind="decision",
            action="institution.head.replaced",
            subject_type="institution",
            subject_id=entry.code,
            reason=f"更换负责人：{row.reason}",
        )
        log.info(
            "head of institution %s replaced by %s, new head %s",
            entry.code,
            admin.account_id,
            mask_phone(body.phone),
        )
        return _out(entry, row)

    async def history(self, admin: Principal, code: str) -> list[HeadReplacementOut]:
        entry = await self._own_entry(admin, code)
        return [_out(entry, row) for row in await self.repo.replacements(entry.code)]
