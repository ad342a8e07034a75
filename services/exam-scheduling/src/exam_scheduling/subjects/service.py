"""The organisation's subject catalogue (考试科目, seed 003 §2.2.2)."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from exam_scheduling.catalogue.repository import CatalogueRepository
from exam_scheduling.plans.repository import PlanRepository
from exam_scheduling.subjects.models import Subject
from exam_scheduling.subjects.repository import SubjectRepository
from exam_scheduling.subjects.rules import manages, reads_every_enabled, subject_number
from exam_scheduling.subjects.schemas import (
    CatalogueSubjectIn,
    CatalogueSubjectOut,
    SubjectCatalogueOut,
    SubjectCountsOut,
)
from skillcert.auth import Principal, Role
from skillcert.clock import utcnow
from skillcert.errors import Conflict, FieldError, Forbidden, InvalidInput, NotFound

SUBJECT_SERIAL = "subject_serial"


class SubjectService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repo = SubjectRepository(session)

    async def create(
        self, principal: Principal, data: CatalogueSubjectIn, org_name: str
    ) -> CatalogueSubjectOut:
        if principal.role is not Role.ORG_ADMIN or principal.org_id is None:
            raise Forbidden("只有培训评价组织可以维护考试科目")
        occupation_name, level_name = await self._certificate(data)
        await self._unique(principal.org_id, data, None)
        at = utcnow()
        serial = await PlanRepository(self.session).next_serial(SUBJECT_SERIAL)
        subject = Subject(
            number=subject_number(serial),
            org_id=principal.org_id,
            org_name=org_name,
            occupation_name=occupation_name,
            level_name=level_name,
            created_at=at,
            updated_at=at,
            **data.model_dump(),
        )
        self.repo.add(subject)
        await self.session.flush()
        return CatalogueSubjectOut.from_model(subject)

    async def update(
        self, principal: Principal, subject_id: UUID, data: CatalogueSubjectIn
    ) -> CatalogueSubjectOut:
        subject = await self._owned(principal, subject_id)
        occupation_name, level_name = await self._certificate(data)
        await self._unique(subject.org_id, data, subject.id)
        for name, value in data.model_dump().items():
            setattr(subject, name, value)
        subject.occupation_name, subject.level_name = occupation_name, level_name
        subject.updated_at = utcnow()
        await self.session.flush()
        return CatalogueSubjectOut.from_model(subject)

    async def set_enabled(
        self, principal: Principal, subject_id: UUID, enabled: bool
    ) -> CatalogueSubjectOut:
        """启用 / 停用: a disabled subject stays in the catalogue but is not offered."""
        subject = await self._owned(principal, subject_id)
        if subject.enabled != enabled:
            subject.enabled = enabled
            subject.updated_at = utcnow()
            await self.session.flush()
        return CatalogueSubjectOut.from_model(subject)

    async def catalogue(
        self,
        principal: Principal,
        *,
        occupation_code: str | None,
        level: int | None,
        method: str | None,
        number: str | None,
        name: str | None,
        enabled: bool | None,
    ) -> SubjectCatalogueOut:
        """The organisation's own catalogue, disabled subjects included; for institutions,
        every organisation's enabled subjects."""
        if principal.role is Role.ORG_ADMIN and principal.org_id is not None:
            org_id: str | None = principal.org_id
        elif reads_every_enabled(principal):
            org_id, enabled = None, True
        else:
            raise Forbidden("当前账号无权查看考试科目")
        rows = await self.repo.listing(
            org_id=org_id,
            enabled_only=False,
            occupation_code=occupation_code,
            level=level,
            method=method,
            number=number,
            name=name,
        )
        on = sum(1 for s in rows if s.enabled)
        shown = [s for s in rows if enabled is None or s.enabled == enabled]
        return SubjectCatalogueOut(
            counts=SubjectCountsOut(all=len(rows), enabled=on, disabled=len(rows) - on),
            items=[CatalogueSubjectOut.from_model(s) for s in shown],
        )

    async def _owned(self, principal: Principal, subject_id: UUID) -> Subject:
        subject = await self.repo.get(subject_id, lock=True)
        # Another organisation's subject is not theirs to know of: 404.
        if subject is None or not manages(principal, subject.org_id):
            raise NotFound("考试科目不存在")
        return subject

    async def _certificate(self, data: CatalogueSubjectIn) -> tuple[str, str]:
        catalogue = CatalogueRepository(self.session)
        problems: list[FieldError] = []
        occupation = await catalogue.occupation(data.occupation_code)
        if occupation is None or not occupation.certified:
            problems.append(FieldError(field="occupation_code", message="该证书不存在或未开放认定"))
        level = await catalogue.level(data.level)
        if level is None:
            problems.append(FieldError(field="level", message="等级不存在"))
        seen: set[str] = set()
        for i, group in enumerate(data.audience):
            if group in seen:
                problems.append(FieldError(field=f"audience.{i}", message="参考对象重复"))
            seen.add(group)
        if problems or occupation is None or level is None:
            raise InvalidInput("考试科目信息有误", errors=problems)
        return occupation.name, level.name

    async def _unique(self, org_id: str, data: CatalogueSubjectIn, own: UUID | None) -> None:
        same = await self.repo.named(org_id, data.occupation_code, data.level, data.name)
        if same is not None and same.id != own:
            raise Conflict(
                "该证书等级下已有同名科目",
                errors=[FieldError(field="name", message="该证书等级下已有同名科目")],
            )
