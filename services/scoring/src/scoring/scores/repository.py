from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from scoring.plans.models import ScoringPlan
from scoring.scores.models import (
    CertificateResult,
    Score,
    ScoreChange,
    ScoreObjection,
    ScoreSheet,
    SubjectAbsence,
)
from scoring.scores.rules import ObjectionStatus, SheetStatus
from skillcert.db import insert_or_ignore, table_of

_ABSENCE_COLUMNS = (
    "plan_id",
    "application_id",
    "subject_code",
    "candidate_id",
    "ticket_number",
    "session_id",
    "room_id",
    "recorded_at",
)
# A candidate absent from a subject is recorded once, however often the close is heard.
_INSERT_ABSENCE = insert_or_ignore(
    table_of(SubjectAbsence), _ABSENCE_COLUMNS, ("plan_id", "application_id", "subject_code")
)


class ScoreRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def record_absence(self, values: dict[str, Any]) -> None:
        await self.session.execute(_INSERT_ABSENCE, values)

    async def absent(self, plan_id: UUID, subject_code: str | None = None) -> dict[UUID, set[str]]:
        """{application_id: {subject_code, ...}} of the plan's absences (of one subject)."""
        query = select(SubjectAbsence.application_id, SubjectAbsence.subject_code).where(
            SubjectAbsence.plan_id == plan_id
        )
        if subject_code is not None:
            query = query.where(SubjectAbsence.subject_code == subject_code)
        out: dict[UUID, set[str]] = {}
        for application_id, code in await self.session.execute(query):
            out.setdefault(application_id, set()).add(code)
        return out

    async def due_for_lock(self, at: datetime, limit: int) -> list[UUID]:
        """Plans whose 公示 window has ended and whose scores are not locked yet."""
        rows = await self.session.execute(
            select(ScoringPlan.plan_id)
            .outerjoin(ScoreSheet, ScoreSheet.plan_id == ScoringPlan.plan_id)
            .where(
                ScoringPlan.publicity_closes_at <= at,
                or_(ScoreSheet.status.is_(None), ScoreSheet.status != SheetStatus.LOCKED),
            )
            .order_by(ScoringPlan.publicity_closes_at)
            .limit(limit)
        )
        return list(rows.scalars())

    async def sheet(self, plan_id: UUID) -> ScoreSheet | None:
        return await self.session.get(ScoreSheet, plan_id)

    async def sheets(self, plan_ids: set[UUID]) -> dict[UUID, ScoreSheet]:
        if not plan_ids:
            return {}
        rows = await self.session.execute(
            select(ScoreSheet).where(ScoreSheet.plan_id.in_(plan_ids))
        )
        return {s.plan_id: s for s in rows.scalars()}

    async def sheet_for_update(self, plan_id: UUID, now: datetime) -> ScoreSheet:
        """The plan's sheet, created open if new, row-locked for the rest of the transaction so
        an import and a lock of the same plan cannot interleave."""
        dialect = self.session.get_bind().dialect.name
        insert_fn: Any = pg_insert if dialect == "postgresql" else sqlite_insert
        await self.session.execute(
            insert_fn(ScoreSheet)
            .values(plan_id=plan_id, status=SheetStatus.OPEN, updated_at=now)
            .on_conflict_do_nothing(index_elements=["plan_id"])
        )
        sheet = (
            await self.session.execute(
                select(ScoreSheet)
                .where(ScoreSheet.plan_id == plan_id)
                .with_for_update()
                .execution_options(populate_existing=True)
            )
        ).scalar_one()
        return sheet

    async def scores_of_subject(
        self, plan_id: UUID, subject_code: str, application_ids: Iterable[UUID]
    ) -> dict[UUID, Score]:
        ids = set(application_ids)
        if not ids:
            return {}
        rows = await self.session.execute(
            select(Score).where(
                Score.plan_id == plan_id,
                Score.subject_code == subject_code,
                Score.application_id.in_(ids),
            )
        )
        return {s.application_id: s for s in rows.scalars()}

    async def score(self, plan_id: UUID, application_id: UUID, subject_code: str) -> Score | None:
        return (await self.scores_of_subject(plan_id, subject_code, [application_id])).get(
            application_id
        )

    async def scores_by_application(
        self, plan_id: UUID, application_ids: Iterable[UUID] | None = None
    ) -> dict[UUID, dict[str, Decimal]]:
        """{application_id: {subject_code: score}} for the plan (or the given applications)."""
        query = select(Score.application_id, Score.subject_code, Score.score).where(
            Score.plan_id == plan_id
        )
        if application_ids is not None:
            ids = set(application_ids)
            if not ids:
                return {}
            query = query.where(Score.application_id.in_(ids))
        out: dict[UUID, dict[str, Decimal]] = {}
        for application_id, subject_code, score in await self.session.execute(query):
            out.setdefault(application_id, {})[subject_code] = score
        return out

    async def objection(self, plan_id: UUID, objection_id: UUID) -> ScoreObjection | None:
        objection = await self.session.get(ScoreObjection, objection_id, with_for_update=True)
        return objection if objection is not None and objection.plan_id == plan_id else None

    async def objections(self, plan_id: UUID) -> list[ScoreObjection]:
        """The plan's objections, open ones first, oldest first."""
        rows = await self.session.execute(
            select(ScoreObjection)
            .where(ScoreObjection.plan_id == plan_id)
            .order_by(
                (ScoreObjection.status == ObjectionStatus.OPEN).desc(),
                ScoreObjection.raised_at,
                ScoreObjection.id,
            )
        )
        return list(rows.scalars())

    async def objections_of_candidate(self, candidate_id: UUID) -> list[ScoreObjection]:
        rows = await self.session.execute(
            select(ScoreObjection)
            .where(ScoreObjection.candidate_id == candidate_id)
            .order_by(ScoreObjection.raised_at, ScoreObjection.id)
        )
        return list(rows.scalars())

    async def open_objection(
        self, application_id: UUID, subject_code: str | None = None
    ) -> ScoreObjection | None:
        query = select(ScoreObjection).where(
            ScoreObjection.application_id == application_id,
            ScoreObjection.status == ObjectionStatus.OPEN,
        )
        if subject_code is not None:
            query = query.where(ScoreObjection.subject_code == subject_code)
        return (await self.session.execute(query.limit(1))).scalar_one_or_none()

    async def held(self, plan_id: UUID) -> set[UUID]:
        """Applications whose result waits for an open objection."""
        rows = await self.session.execute(
            select(ScoreObjection.application_id).where(
                ScoreObjection.plan_id == plan_id, ScoreObjection.status == ObjectionStatus.OPEN
            )
        )
        return set(rows.scalars())

    def add(self, *rows: Score | ScoreChange | CertificateResult | ScoreObjection) -> None:
        self.session.add_all(rows)

    async def changes(self, plan_id: UUID) -> list[ScoreChange]:
        rows = await self.session.execute(
            select(ScoreChange)
            .where(ScoreChange.plan_id == plan_id)
            .order_by(ScoreChange.changed_at, ScoreChange.id)
        )
        return list(rows.scalars())

    async def results(
        self, plan_id: UUID, application_ids: Iterable[UUID]
    ) -> dict[UUID, CertificateResult]:
        ids = set(application_ids)
        if not ids:
            return {}
        rows = await self.session.execute(
            select(CertificateResult).where(
                CertificateResult.plan_id == plan_id, CertificateResult.application_id.in_(ids)
            )
        )
        return {r.application_id: r for r in rows.scalars()}

    async def results_of_candidate(self, candidate_id: UUID) -> dict[UUID, CertificateResult]:
        rows = await self.session.execute(
            select(CertificateResult).where(CertificateResult.candidate_id == candidate_id)
        )
        return {r.application_id: r for r in rows.scalars()}
