"""The directory's operations: sign-up reads it, a province admin keeps it right (every change
audited), a CSV file loads it. Flushes only; the caller owns the transaction."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from institution.directory.models import DirectoryChange, DirectoryEntry
from institution.directory.repository import DirectoryRepository
from institution.directory.rules import (
    ChangeAction,
    Entry,
    entry_problems,
    parse_csv,
    province_of_org,
)
from institution.directory.schemas import (
    DirectoryEntryIn,
    DirectoryEntryUpdateIn,
    ImportReportOut,
    ProvinceRegionsOut,
    RegionOut,
)
from skillcert import divisions
from skillcert.auth import Principal
from skillcert.clock import utcnow
from skillcert.db import transaction
from skillcert.errors import Conflict, FieldError, Forbidden, InvalidInput, NotFound
from skillcert.paging import Slice

IMPORT_ACTOR = "名单导入"


def _snapshot(entry: DirectoryEntry) -> dict[str, Any]:
    return {
        "name": entry.name,
        "province": entry.province,
        "city": entry.city,
        "level": entry.level,
    }


def _invalid(problems: list[FieldError]) -> InvalidInput:
    return InvalidInput("院校信息有误", errors=problems)


def province_of(principal: Principal) -> str:
    """The province a province admin acts for; one whose account names none acts for none."""
    province = province_of_org(principal.org_id)
    if province is None:
        raise Forbidden("账号未关联省级教育行政部门")
    return province


class DirectoryService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repo = DirectoryRepository(session)

    async def listing(
        self, province: str, city: str | None, name: str | None, cursor: str | None, limit: int
    ) -> Slice[DirectoryEntry]:
        problems = entry_problems(None, None, province, city)
        if problems:
            raise _invalid(problems)
        return await self.repo.listing(province, city, name, cursor, limit)

    async def regions(self) -> list[ProvinceRegionsOut]:
        cities: dict[str, list[str]] = {}
        for province, city in sorted(await self.repo.regions()):
            cities.setdefault(province, []).append(city)
        return [
            ProvinceRegionsOut(
                code=province,
                name=divisions.label(province),
                cities=[RegionOut(code=c, name=divisions.label(c)) for c in codes],
            )
            for province, codes in cities.items()
        ]

    async def entry(self, code: str) -> DirectoryEntry:
        entry = await self.repo.get(code)
        if entry is None:
            raise NotFound("名单中没有该院校")
        return entry

    async def _own_entry(self, principal: Principal, code: str) -> DirectoryEntry:
        province = province_of(principal)
        entry = await self.entry(code)
        if entry.province != province:
            raise Forbidden("只能维护本省的院校名单")
        return entry

    async def _name_taken(self, province: str, name: str, code: str) -> FieldError | None:
        other = await self.repo.named(province, name)
        if other is not None and other.code != code:
            return FieldError(field="name", message=f"本省名单中已有同名院校（{other.code}）")
        return None

    async def add(
        self, principal: Principal, body: DirectoryEntryIn, now: datetime
    ) -> DirectoryEntry:
        province = province_of(principal)
        name = body.name.strip()
        problems = entry_problems(body.code, name, province, body.city)
        if taken := await self._name_taken(province, name, body.code):
            problems.append(taken)
        if problems:
            raise _invalid(problems)
        if await self.repo.get(body.code) is not None:
            raise Conflict("该学校标识码已在名单中，请修改该条目")
        entry = DirectoryEntry(
            code=body.code,
            name=name,
            province=province,
            city=body.city,
            level=body.level.value,
            created_at=now,
            updated_at=now,
        )
        self.repo.add(entry)
        await self.session.flush()
        self.repo.add(self._change(entry, ChangeAction.ADDED, principal, None, body.reason, now))
        await self.session.flush()
        return entry

    async def correct(
        self, principal: Principal, code: str, body: DirectoryEntryUpdateIn, now: datetime
    ) -> DirectoryEntry:
        entry = await self._own_entry(principal, code)
        name = body.name.strip() if body.name is not None else None
        problems = entry_problems(None, name, entry.province, body.city)
        if name and (taken := await self._name_taken(entry.province, name, code)):
            problems.append(taken)
        if problems:
            raise _invalid(problems)
        before = _snapshot(entry)
        entry.name = name or entry.name
        entry.city = body.city or entry.city
        entry.level = body.level.value if body.level else entry.level
        if _snapshot(entry) == before:
            raise InvalidInput("没有需要更正的内容", errors=[
                FieldError(field="body", message="更正后的内容与原内容相同")
            ])  # fmt: skip
        entry.updated_at = now
        self.repo.add(
            self._change(entry, ChangeAction.CORRECTED, principal, before, body.reason, now)
        )
        await self.session.flush()
        return entry

    async def changes(
        self, principal: Principal, code: str, cursor: str | None, limit: int
    ) -> Slice[DirectoryChange]:
        await self._own_entry(principal, code)
        return await self.repo.changes(code, cursor, limit)

    async def load(self, entries: list[Entry], now: datetime) -> ImportReportOut:
        """Add the entries not yet in the list. Entries already there are left as they are: a
        province's correction outlives a reload of the file it corrected."""
        existing = await self.repo.existing_codes([e.code for e in entries])
        new = [e for e in entries if e.code not in existing]
        problems = [
            FieldError(field=f"code.{e.code}", message=taken.message)
            for e in new
            if (taken := await self._name_taken(e.province, e.name, e.code))
        ]
        if problems:
            raise _invalid(problems)
        for e in new:
            entry = DirectoryEntry(
                code=e.code,
                name=e.name,
                province=e.province,
                city=e.city,
                level=e.level.value,
                created_at=now,
                updated_at=now,
            )
            self.repo.add(entry)
        await self.session.flush()
        self.repo.add(*(
            DirectoryChange(
                code=e.code,
                action=ChangeAction.IMPORTED.value,
                actor_id=None,
                actor_name=IMPORT_ACTOR,
                before=None,
                after={"name": e.name, "province": e.province, "city": e.city, "level": e.level},
                reason=None,
                at=now,
            )
            for e in new
        ))  # fmt: skip
        await self.session.flush()
        return ImportReportOut(added=len(new), unchanged=len(entries) - len(new))

    @staticmethod
    def _change(
        entry: DirectoryEntry,
        action: ChangeAction,
        principal: Principal,
        before: dict[str, Any] | None,
        reason: str,
        now: datetime,
    ) -> DirectoryChange:
        return DirectoryChange(
            code=entry.code,
            action=action.value,
            actor_id=principal.account_id,
            actor_name=principal.name or principal.role.value,
            before=before,
            after=_snapshot(entry),
            reason=reason,
            at=now,
        )


async def load_directory_file(
    sessionmaker: async_sessionmaker[AsyncSession], path: Path
) -> ImportReportOut:
    """Load a directory CSV in one transaction: all its rows or, with any bad row, none."""
    text = await asyncio.to_thread(path.read_text, encoding="utf-8")
    entries, problems = parse_csv(text)
    if problems:
        raise InvalidInput(f"院校名单文件 {path.name} 有误", errors=problems)
    async with transaction(sessionmaker) as session:
        return await DirectoryService(session).load(entries, utcnow())
