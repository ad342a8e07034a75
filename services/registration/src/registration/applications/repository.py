from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Select, bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from registration.applications.models import Application, StatusChange
from registration.applications.rules import ApplicationStatus
from registration.plans.models import ExamPlan
from registration.roster.repository import institution_for_id_number
from skillcert.db import table_of
from skillcert.paging import Keyset, Slice

_applications = table_of(Application)
_status_changes = table_of(StatusChange)

#: A table-level statement whose SET values come as execution parameters compiles once and
#: is cached; ORM `.values(...)` compiled on every submit.
_SUBMIT = (
    update(_applications)
    .where(_applications.c.id == bindparam("b_application_id"))
    .values(institution_id=institution_for_id_number(_applications.c.id_number_hash))
    .returning(_applications.c.institution_id)
)

_INSERT_CHANGE = insert(_status_changes)

NEWEST_FIRST = Keyset(Application.created_at, Application.id, descending=True)


def _with_plan_query(of_candidate: bool, lock: bool) -> Select[tuple[Application, ExamPlan]]:
    query = (
        select(Application, ExamPlan)
        .join(ExamPlan, ExamPlan.plan_id == Application.plan_id)
        .where(Application.id == bindparam("b_application_id"))
    )
    if of_candidate:
        query = query.where(Application.candidate_id == bindparam("b_candidate_id"))
    return query.with_for_update(of=Application) if lock else query


#: Built once: building the statement and its cache key on every call cost more than running
#: it through the statement cache.
_WITH_PLAN = {
    (of_candidate, lock): _with_plan_query(of_candidate, lock)
    for of_candidate in (False, True)
    for lock in (False, True)
}


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

    async def mark_submitted(self, application_id: UUID, changes: dict[str, Any]) -> str | None:
        """Write a submission's changes and the candidate's roster institution in one UPDATE
        (the caller holds the row lock); returns that institution."""
        parameters = {"b_application_id": application_id, **changes}
        institution_id: str | None = (await self.session.execute(_SUBMIT, parameters)).scalar_one()
        return institution_id

    async def insert_change(self, change: StatusChange) -> None:
        """A history row as a plain INSERT (the object stays out of the unit of work)."""
        await self.session.execute(
            _INSERT_CHANGE,
            {
                "id": change.id,
                "application_id": change.application_id,
                "from_status": change.from_status,
                "to_status": change.to_status,
                "revision": change.revision,
                "note": change.note,
                "reasons": change.reasons,
                "at": change.at,
            },
        )

    async def with_plan(
        self, application_id: UUID, candidate_id: UUID | None = None, *, lock: bool = False
    ) -> tuple[Application, ExamPlan] | None:
        """The application and its plan in one round trip (the submit path is benchmarked);
        with `candidate_id`, only if that candidate owns it. The lock is the application's."""
        query = _WITH_PLAN[(candidate_id is not None, lock)]
        parameters = {"b_application_id": application_id, "b_candidate_id": candidate_id}
        row = (await self.session.execute(query, parameters)).one_or_none()
        return (row[0], row[1]) if row is not None else None

    async def overdue_mail_in(self, at: datetime, limit: int) -> list[Application]:
        """Approved or paid applications of mail-in plans whose deadline has passed and whose
        paper forms were never logged; locked, skipping those another replica holds."""
        query = (
            select(Application)
            .join(ExamPlan, ExamPlan.plan_id == Application.plan_id)
            .where(
                ExamPlan.requires_mail_in.is_(True),
                ExamPlan.registration_closes_at <= at,
                Application.status.in_([ApplicationStatus.APPROVED, ApplicationStatus.PAID]),
                Application.mail_in_received_on.is_(None),
            )
            .order_by(Application.id)
            .limit(limit)
            .with_for_update(of=Application, skip_locked=True)
        )
        return list((await self.session.execute(query)).scalars())

    async def page_of_org(
        self,
        org_id: str,
        plan_id: UUID | None,
        status: str | None,
        cursor: str | None,
        limit: int,
    ) -> Slice[Application]:
        query = select(Application).where(Application.org_id == org_id)
        if plan_id is not None:
            query = query.where(Application.plan_id == plan_id)
        if status is not None:
            query = query.where(Application.status == status)
        return await NEWEST_FIRST.fetch(self.session, query, cursor, limit)

    async def for_update(self, application_id: UUID) -> Application | None:
        query = select(Application).where(Application.id == application_id).with_for_update()
        return (await self.session.execute(query)).scalar_one_or_none()

    async def of_plan_in(
        self, plan_id: UUID, statuses: Collection[ApplicationStatus], *, lock: bool = False
    ) -> list[Application]:
        query = (
            select(Application)
            .where(Application.plan_id == plan_id, Application.status.in_(list(statuses)))
            # one lock order for every bulk change of a plan's applications: no deadlocks
            .order_by(Application.id)
        )
        if lock:
            query = query.with_for_update()
        return list((await self.session.execute(query)).scalars())

    async def of_certificate(
        self,
        candidate_id: UUID,
        certificate_id: UUID,
        certificate_number: str,
        *,
        lock: bool = False,
    ) -> Application | None:
        """The candidate's application the certificate was issued for; by number too, for
        those recorded before the certificate's id was kept."""
        query = select(Application).where(
            Application.candidate_id == candidate_id,
            (Application.certificate_id == certificate_id)
            | (
                Application.certificate_id.is_(None)
                & (Application.certificate_number == certificate_number)
            ),
        )
        if lock:
            query = query.with_for_update()
        return (await self.session.execute(query)).scalars().first()

    async def awaiting_certificate(self, candidate_id: UUID) -> bool:
        """Whether the candidate has an application whose certificate may still be coming."""
        query = (
            select(Application.id)
            .where(
                Application.candidate_id == candidate_id,
                Application.status.in_(
                    [ApplicationStatus.SCHEDULED, ApplicationStatus.RESULT_PASS]
                ),
            )
            .limit(1)
        )
        return (await self.session.execute(query)).first() is not None

    async def active(self, candidate_id: UUID, plan_id: UUID) -> Application | None:
        query = select(Application).where(
            Application.candidate_id == candidate_id,
            Application.plan_id == plan_id,
            Application.status != ApplicationStatus.WITHDRAWN,
        )
        return (await self.session.execute(query)).scalars().first()

    async def page_of_candidate(
        self, candidate_id: UUID, cursor: str | None, limit: int
    ) -> Slice[Application]:
        query = select(Application).where(Application.candidate_id == candidate_id)
        return await NEWEST_FIRST.fetch(self.session, query, cursor, limit)

    async def history(self, application_id: UUID) -> list[StatusChange]:
        query = (
            select(StatusChange)
            .where(StatusChange.application_id == application_id)
            .order_by(StatusChange.at, StatusChange.revision)
        )
        return list((await self.session.execute(query)).scalars())
