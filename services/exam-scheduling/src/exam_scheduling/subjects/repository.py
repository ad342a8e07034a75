from __future__ import annotations

from uuid import UUID

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from exam_scheduling.subjects.models import Subject


class SubjectRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, subject: Subject) -> None:
        self.session.add(subject)

    async def get(self, subject_id: UUID, *, lock: bool = False) -> Subject | None:
        query = select(Subject).where(Subject.id == subject_id)
        if lock:
            query = query.with_for_update()
        return (await self.session.execute(query)).scalar_one_or_none()

    async def named(
        self, org_id: str, occupation_code: str, level: int, name: str
    ) -> Subject | None:
        query = select(Subject).where(
            Subject.org_id == org_id,
            Subject.occupation_code == occupation_code,
            Subject.level == level,
            Subject.name == name,
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def listing(
        self,
        *,
        org_id: str | None,
        enabled_only: bool,
        occupation_code: str | None,
        level: int | None,
        method: str | None,
        number: str | None,
        name: str | None,
    ) -> list[Subject]:
        """The catalogue by certificate, level and number; an organisation's own, or (org_id
        None) every organisation's."""
        query: Select[tuple[Subject]] = select(Subject).order_by(
            Subject.occupation_code, Subject.level, Subject.number
        )
        if org_id is not None:
            query = query.where(Subject.org_id == org_id)
        if enabled_only:
            query = query.where(Subject.enabled.is_(True))
        if occupation_code is not None:
            query = query.where(Subject.occupation_code == occupation_code)
        if level is not None:
            query = query.where(Subject.level == level)
        if method is not None:
            query = query.where(Subject.method == method)
        if number is not None:
            query = query.where(Subject.number == number)
        if name is not None:
            query = query.where(Subject.name.contains(name, autoescape=True))
        return list((await self.session.execute(query)).scalars())
