from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from review.cases.models import AuditEntry, CaseDecision, CaseFinding, CaseRevision, ReviewCase
from skillcert.db import insert_or_ignore, table_of
from skillcert.paging import Keyset, Slice

# Built once, values passed at execution: a new statement object per call had its cache key
# built again for every received submission.
_INSERT_REVISION = insert(table_of(CaseRevision))
_INSERT_FINDING = insert(table_of(CaseFinding))
_INSERT_AUDIT = insert(table_of(AuditEntry))
OLDEST_SUBMISSION_FIRST = Keyset(ReviewCase.submitted_at, ReviewCase.id)


class CaseRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, row: ReviewCase | CaseRevision | CaseFinding | CaseDecision | AuditEntry) -> None:
        self.session.add(row)

    async def open_case(self, values: dict[str, Any]) -> UUID | None:
        """Insert a new case; None when the application already has one (a resubmission,
        or a redelivered first submission racing its twin), which the caller then reopens."""
        statement = insert_or_ignore(
            table_of(ReviewCase), tuple(values), conflict=("application_id",), returning="id"
        )
        return (await self.session.execute(statement, values)).scalar_one_or_none()

    async def record_revision(
        self,
        revision: dict[str, Any],
        findings: list[dict[str, Any]],
        audit: dict[str, Any],
    ) -> None:
        """A revision with its pre-check findings and its audit entry, in three statements."""
        await self.session.execute(_INSERT_REVISION, revision)
        if findings:
            await self.session.execute(_INSERT_FINDING, findings)
        await self.session.execute(_INSERT_AUDIT, audit)

    async def by_application(
        self, application_id: UUID, *, lock: bool = False
    ) -> ReviewCase | None:
        query = select(ReviewCase).where(ReviewCase.application_id == application_id)
        if lock:
            # Claims, decisions and new revisions of one case are serialised on its row.
            query = query.with_for_update()
        return (await self.session.execute(query)).scalar_one_or_none()

    async def get(self, case_id: UUID, *, lock: bool = False) -> ReviewCase | None:
        query = select(ReviewCase).where(ReviewCase.id == case_id)
        if lock:
            query = query.with_for_update()
        return (await self.session.execute(query)).scalar_one_or_none()

    async def queue(
        self,
        org_id: str,
        status: str,
        cursor: str | None,
        limit: int,
    ) -> Slice[ReviewCase]:
        """Cases of one organisation in one status, oldest submission first."""
        query = select(ReviewCase).where(ReviewCase.org_id == org_id, ReviewCase.status == status)
        return await OLDEST_SUBMISSION_FIRST.fetch(self.session, query, cursor, limit)

    async def of_plan(
        self, plan_id: UUID, statuses: Sequence[str], *, lock: bool = False
    ) -> list[ReviewCase]:
        query = (
            select(ReviewCase)
            .where(ReviewCase.plan_id == plan_id, ReviewCase.status.in_(statuses))
            .order_by(ReviewCase.id)  # one lock order, so concurrent closers cannot deadlock
        )
        if lock:
            query = query.with_for_update()
        return list((await self.session.execute(query)).scalars())

    async def revision(self, case_id: UUID, revision: int) -> CaseRevision | None:
        query = select(CaseRevision).where(
            CaseRevision.case_id == case_id, CaseRevision.revision == revision
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def revisions(self, case_id: UUID) -> list[CaseRevision]:
        query = (
            select(CaseRevision)
            .where(CaseRevision.case_id == case_id)
            .order_by(CaseRevision.revision.desc())
        )
        return list((await self.session.execute(query)).scalars())

    async def findings(self, case_ids: Sequence[UUID]) -> list[CaseFinding]:
        """Every revision's findings of the given cases."""
        if not case_ids:
            return []
        query = (
            select(CaseFinding)
            .where(CaseFinding.case_id.in_(case_ids))
            .order_by(CaseFinding.revision, CaseFinding.position)
        )
        return list((await self.session.execute(query)).scalars())

    async def current_findings(self, case_ids: Sequence[UUID]) -> list[CaseFinding]:
        """The findings of each case's revision under review (for the queue summary)."""
        if not case_ids:
            return []
        query = (
            select(CaseFinding)
            .join(
                ReviewCase,
                (ReviewCase.id == CaseFinding.case_id)
                & (ReviewCase.revision == CaseFinding.revision),
            )
            .where(CaseFinding.case_id.in_(case_ids))
            .order_by(CaseFinding.position)
        )
        return list((await self.session.execute(query)).scalars())

    async def decisions(self, case_id: UUID) -> list[CaseDecision]:
        query = (
            select(CaseDecision)
            .where(CaseDecision.case_id == case_id)
            .order_by(CaseDecision.decided_at)
        )
        return list((await self.session.execute(query)).scalars())

    async def audit(self, case_id: UUID) -> list[AuditEntry]:
        query = select(AuditEntry).where(AuditEntry.case_id == case_id).order_by(AuditEntry.seq)
        return list((await self.session.execute(query)).scalars())
