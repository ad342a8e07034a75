from __future__ import annotations

from collections.abc import Collection
from uuid import UUID

from sqlalchemy import ScalarSelect, SQLColumnExpression, select
from sqlalchemy.ext.asyncio import AsyncSession

from registration.roster.models import RosterAuditRecord, RosterStudent
from skillcert.crypto import blind_index
from skillcert.db import advisory_lock
from skillcert.paging import Keyset, Slice

LATEST_FIRST = Keyset(RosterStudent.imported_at, RosterStudent.id, descending=True)
AUDIT_LATEST_FIRST = Keyset(RosterAuditRecord.at, RosterAuditRecord.id, descending=True)


def institution_for_id_number(
    id_number_hash: SQLColumnExpression[str | None] | str,
) -> ScalarSelect[str]:
    """The institution whose roster lists the ID number of keyed hash `id_number_hash`
    (`skillcert.crypto.blind_index`) as a scalar subquery; when several do,
    the one that put the person on its roster last (a re-import does not count). NULL when
    none does.

    Correlated when `id_number_hash` is a column of the enclosing statement, so the application
    submit path can fill the column in its own UPDATE::

        update(Application)
        .where(Application.id == application_id)
        .values(institution_id=institution_for_id_number(Application.id_number_hash))
    """
    return (
        select(RosterStudent.institution_id)
        .where(RosterStudent.id_number_hash == id_number_hash)
        .order_by(RosterStudent.imported_at.desc(), RosterStudent.id.desc())
        .limit(1)
        .correlate_except(RosterStudent)
        .scalar_subquery()
    )


class RosterRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add_all(self, students: Collection[RosterStudent]) -> None:
        self.session.add_all(students)

    def add_audit(self, record: RosterAuditRecord) -> None:
        self.session.add(record)

    async def delete(self, student: RosterStudent) -> None:
        await self.session.delete(student)

    async def lock_institution(self, institution_id: str) -> None:
        """Serialise changes of one institution's roster until the transaction ends, so two
        imports (or an import and an add) cannot race each other into the unique constraint.
        SQLite has one writer anyway."""
        await advisory_lock(self.session, f"roster:{institution_id}")

    async def by_id_numbers(
        self, institution_id: str, id_numbers: Collection[str]
    ) -> dict[str, RosterStudent]:
        """The institution's students among `id_numbers`, by ID number."""
        if not id_numbers:
            return {}
        query = select(RosterStudent).where(
            RosterStudent.institution_id == institution_id,
            RosterStudent.id_number_hash.in_(_hashes(id_numbers)),
        )
        return {s.id_number: s for s in (await self.session.execute(query)).scalars()}

    async def of_institution(
        self, institution_id: str, student_id: UUID, *, lock: bool = False
    ) -> RosterStudent | None:
        """The student if on `institution_id`'s roster; others' are indistinguishable from none."""
        query = select(RosterStudent).where(
            RosterStudent.id == student_id, RosterStudent.institution_id == institution_id
        )
        if lock:
            query = query.with_for_update()
        return (await self.session.execute(query)).scalar_one_or_none()

    async def page(
        self,
        institution_id: str,
        student_type: str | None,
        cursor: str | None,
        limit: int,
    ) -> Slice[RosterStudent]:
        """The institution's roster, latest added first."""
        query = select(RosterStudent).where(RosterStudent.institution_id == institution_id)
        if student_type is not None:
            query = query.where(RosterStudent.student_type == student_type)
        return await LATEST_FIRST.fetch(self.session, query, cursor, limit)

    async def all_of(self, institution_id: str, student_type: str | None) -> list[RosterStudent]:
        """The whole roster (for the 批量修改 export), in the order the institution added it."""
        query = select(RosterStudent).where(RosterStudent.institution_id == institution_id)
        if student_type is not None:
            query = query.where(RosterStudent.student_type == student_type)
        query = query.order_by(RosterStudent.imported_at, RosterStudent.id)
        return list((await self.session.execute(query)).scalars())

    async def photo_statuses(
        self, institution_id: str, id_numbers: Collection[str]
    ) -> dict[str, str]:
        """Photo status (rules.PhotoStatus) by ID number of those on the institution's roster,
        for 报考: a student missing from the result is not on the roster."""
        if not id_numbers:
            return {}
        query = select(RosterStudent).where(
            RosterStudent.institution_id == institution_id,
            RosterStudent.id_number_hash.in_(_hashes(id_numbers)),
        )
        students = (await self.session.execute(query)).scalars()
        return {s.id_number: s.photo_status for s in students}

    async def audit_page(
        self, institution_id: str, cursor: str | None, limit: int
    ) -> Slice[RosterAuditRecord]:
        query = select(RosterAuditRecord).where(RosterAuditRecord.institution_id == institution_id)
        return await AUDIT_LATEST_FIRST.fetch(self.session, query, cursor, limit)


def _hashes(id_numbers: Collection[str]) -> list[str]:
    return [blind_index(n) for n in id_numbers]
