from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from registration.applications.models import Application, StatusChange
from registration.applications.rules import ApplicationStatus


class ApplicationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, application: Application) -> None:
        self.session.add(application)

    def add_change(self, change: StatusChange) -> None:
        self.session.add(change)

    async def of_candidate(
        self, application_id: UUID, candidate_id: UUID, *, lock: bool = False
    ) -> Application | None:
        """The application if `candidate_id` owns it; others' are indistinguishable from none."""
        query = select(Application).where(
            Application.id == application_id, Application.candidate_id == candidate_id
        )
        if lock:
            query = query.with_for_update()
        return (await self.session.execute(query)).scalar_one_or_none()

    async def for_update(self, application_id: UUID) -> Application | None:
        query = select(Application).where(Application.id == application_id).with_for_update()
        return (await self.session.execute(query)).scalar_one_or_none()

    async def active(self, candidate_id: UUID, plan_id: UUID) -> Application | None:
        query = select(Application).where(
            Application.candidate_id == candidate_id,
            Application.plan_id == plan_id,
            Application.status != ApplicationStatus.WITHDRAWN,
        )
        return (await self.session.execute(query)).scalars().first()

    async def page_of_candidate(
        self, candidate_id: UUID, after: tuple[datetime, UUID] | None, limit: int
    ) -> list[Application]:
        query = select(Application).where(Application.candidate_id == candidate_id)
        if after is not None:
            created_at, application_id = after
            query = query.where(
                (Application.created_at < created_at)
                | ((Application.created_at == created_at) & (Application.id < application_id))
            )
        query = query.order_by(Application.created_at.desc(), Application.id.desc()).limit(limit)
        return list((await self.session.execute(query)).scalars())

    async def history(self, application_id: UUID) -> list[StatusChange]:
        query = (
            select(StatusChange)
            .where(StatusChange.application_id == application_id)
            .order_by(StatusChange.at, StatusChange.revision)
        )
        return list((await self.session.execute(query)).scalars())
