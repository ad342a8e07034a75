from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from institution.directory.models import DirectoryEntry
from institution.pilot.models import (
    PilotApplication,
    PilotAttachment,
    PilotBatch,
    PilotDecision,
    PilotPlan,
)
from institution.pilot.rules import AttachmentStatus, PilotStatus
from skillcert.paging import Keyset, Slice

NEWEST_FIRST = Keyset(PilotApplication.created_at, PilotApplication.id, descending=True)


class PilotRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, *rows: object) -> None:
        self.session.add_all(rows)

    # --- plans and batches

    async def plan(self, plan_id: UUID) -> PilotPlan | None:
        return await self.session.get(PilotPlan, plan_id)

    async def plan_of_year(self, province: str, year: int) -> PilotPlan | None:
        query = select(PilotPlan).where(PilotPlan.province == province, PilotPlan.year == year)
        return (await self.session.execute(query)).scalar_one_or_none()

    async def plans(self, province: str, year: int | None) -> list[PilotPlan]:
        query = select(PilotPlan).where(PilotPlan.province == province)
        if year is not None:
            query = query.where(PilotPlan.year == year)
        return list((await self.session.execute(query.order_by(PilotPlan.year.desc()))).scalars())

    async def batch(self, batch_id: UUID) -> PilotBatch | None:
        return await self.session.get(PilotBatch, batch_id)

    async def batches(self, plan_ids: Iterable[UUID]) -> list[PilotBatch]:
        query = (
            select(PilotBatch)
            .where(PilotBatch.plan_id.in_(list(plan_ids)))
            .order_by(PilotBatch.opens_at, PilotBatch.name)
        )
        return list((await self.session.execute(query)).scalars())

    async def batches_by_id(self, ids: Iterable[UUID]) -> dict[UUID, PilotBatch]:
        query = select(PilotBatch).where(PilotBatch.id.in_(list(set(ids))))
        return {b.id: b for b in (await self.session.execute(query)).scalars()}

    async def plans_by_id(self, ids: Iterable[UUID]) -> dict[UUID, PilotPlan]:
        query = select(PilotPlan).where(PilotPlan.id.in_(list(set(ids))))
        return {p.id: p for p in (await self.session.execute(query)).scalars()}

    async def institution_names(self, codes: Iterable[str]) -> dict[str, str]:
        query = select(DirectoryEntry.code, DirectoryEntry.name).where(
            DirectoryEntry.code.in_(list(set(codes)))
        )
        return {str(code): str(name) for code, name in (await self.session.execute(query)).all()}

    # --- applications

    async def application(
        self, application_id: UUID, *, lock: bool = False
    ) -> PilotApplication | None:
        query = select(PilotApplication).where(PilotApplication.id == application_id)
        if lock:
            query = query.with_for_update()
        return (await self.session.execute(query)).scalar_one_or_none()

    async def existing(
        self, plan_id: UUID, institution_code: str, certificate_code: str
    ) -> PilotApplication | None:
        query = select(PilotApplication).where(
            PilotApplication.plan_id == plan_id,
            PilotApplication.institution_code == institution_code,
            PilotApplication.certificate_code == certificate_code,
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def listing(
        self,
        *,
        institution_code: str | None = None,
        province: str | None = None,
        city: str | None = None,
        status: PilotStatus | None = None,
        plan_id: UUID | None = None,
        exclude_drafts: bool = False,
        cursor: str | None,
        limit: int,
    ) -> Slice[PilotApplication]:
        query = select(PilotApplication)
        if institution_code is not None:
            query = query.where(PilotApplication.institution_code == institution_code)
        if province is not None:
            query = query.where(PilotApplication.province == province)
        if city is not None:
            query = query.where(PilotApplication.city == city)
        if status is not None:
            query = query.where(PilotApplication.status == status)
        if plan_id is not None:
            query = query.where(PilotApplication.plan_id == plan_id)
        if exclude_drafts:
            query = query.where(PilotApplication.status != PilotStatus.DRAFT)
        return await NEWEST_FIRST.fetch(self.session, query, cursor, limit)

    async def approved_of(
        self, institution_code: str
    ) -> list[tuple[PilotApplication, PilotBatch, PilotPlan]]:
        query = (
            select(PilotApplication, PilotBatch, PilotPlan)
            .join(PilotBatch, PilotBatch.id == PilotApplication.batch_id)
            .join(PilotPlan, PilotPlan.id == PilotApplication.plan_id)
            .where(
                PilotApplication.institution_code == institution_code,
                PilotApplication.status == PilotStatus.APPROVED,
            )
            .order_by(PilotPlan.year.desc(), PilotApplication.certificate_code)
        )
        return [(a, b, p) for a, b, p in (await self.session.execute(query)).all()]

    async def delete_application(self, application: PilotApplication) -> None:
        await self.session.execute(
            delete(PilotAttachment).where(PilotAttachment.application_id == application.id)
        )
        await self.session.delete(application)
        await self.session.flush()

    # --- attachments and decisions

    async def attachments(self, application_id: UUID) -> list[PilotAttachment]:
        query = (
            select(PilotAttachment)
            .where(
                PilotAttachment.application_id == application_id,
                PilotAttachment.status != AttachmentStatus.REJECTED,
            )
            .order_by(PilotAttachment.created_at)
        )
        return list((await self.session.execute(query)).scalars())

    async def attachment_count(self, application_id: UUID) -> int:
        query = select(func.count()).where(PilotAttachment.application_id == application_id)
        return int((await self.session.execute(query)).scalar_one())

    async def attachment(self, application_id: UUID, attachment_id: UUID) -> PilotAttachment | None:
        attachment = await self.session.get(PilotAttachment, attachment_id)
        if attachment is None or attachment.application_id != application_id:
            return None
        return attachment

    async def decisions(self, application_id: UUID) -> list[PilotDecision]:
        query = (
            select(PilotDecision)
            .where(PilotDecision.application_id == application_id)
            .order_by(PilotDecision.decided_at)
        )
        return list((await self.session.execute(query)).scalars())
