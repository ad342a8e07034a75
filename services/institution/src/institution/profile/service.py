"""Base info of the caller's own institution. Flushes only; the caller owns the transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from institution.directory.models import DirectoryEntry
from institution.directory.repository import DirectoryRepository
from institution.profile.models import InstitutionProfile
from institution.profile.repository import ProfileRepository
from institution.profile.rules import address_problems, credit_code_problem
from institution.profile.schemas import BaseInfoIn, BaseInfoOut
from skillcert.auth import Principal
from skillcert.errors import FieldError, InvalidInput, NotFound


class ProfileService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repo = ProfileRepository(session)
        self.directory = DirectoryRepository(session)

    async def _own(self, principal: Principal) -> DirectoryEntry:
        """The caller's institution: staff act for their token's institution and no other."""
        entry = await self.directory.get(principal.org_id) if principal.org_id else None
        if entry is None:
            raise NotFound("账号所属院校不在院校名单中")
        return entry

    async def base_info(self, principal: Principal) -> BaseInfoOut:
        entry = await self._own(principal)
        return BaseInfoOut.of(entry.code, entry.name, await self.repo.get(entry.code))

    async def save(self, principal: Principal, body: BaseInfoIn, now: datetime) -> BaseInfoOut:
        entry = await self._own(principal)
        problems: list[FieldError] = []
        credit_code = body.credit_code.upper()
        if why := credit_code_problem(credit_code):
            problems.append(FieldError(field="credit_code", message=why))
        address = body.address
        problems += address_problems(address.province, address.city, address.county)
        if problems:
            raise InvalidInput("院校基础信息有误", errors=problems)
        values = {
            "type": body.type.value,
            "credit_code": credit_code,
            "website": str(body.website) if body.website else None,
            "education_department": body.education_department,
            "province": address.province,
            "city": address.city,
            "county": address.county,
            "street": address.street,
            "contact_name": body.contact_name,
            "contact_phone": body.contact_phone,
            "contact_email": body.contact_email,
            "updated_at": now,
        }
        profile = await self.repo.get(entry.code)
        if profile is None:
            profile = InstitutionProfile(institution_code=entry.code, **values)
            await self.repo.add(profile)
        else:
            for key, value in values.items():
                setattr(profile, key, value)
            await self.session.flush()
        return BaseInfoOut.of(entry.code, entry.name, profile)
