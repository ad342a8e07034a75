from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import Select, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from certificate.certificates.models import Certificate, NumberSequence, SigningRound
from certificate.certificates.rules import Status
from certificate.plans.models import PlanInfo
from skillcert.paging import Keyset, Slice

NEWEST_FIRST = Keyset(Certificate.created_at, Certificate.id, descending=True)


class CertificateRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def _insert(self) -> Any:
        dialect = self.session.get_bind().dialect.name
        return pg_insert if dialect == "postgresql" else sqlite_insert

    async def add_if_absent(self, values: dict[str, Any]) -> bool:
        """Insert unless the application already has a certificate; True when inserted."""
        result = await self.session.execute(
            self._insert()(Certificate)
            .values(**values)
            .on_conflict_do_nothing(index_elements=["application_id"])
        )
        return bool(getattr(result, "rowcount", 0))

    async def by_application(self, application_id: UUID) -> Certificate | None:
        result = await self.session.execute(
            select(Certificate).where(Certificate.application_id == application_id)
        )
        return result.scalar_one_or_none()

    async def get(self, certificate_id: UUID, *, for_update: bool = False) -> Certificate | None:
        query = select(Certificate).where(Certificate.id == certificate_id)
        if for_update:
            # Two signers (or a double click) must not both assign a number and sign.
            query = query.with_for_update()
        return (await self.session.execute(query)).scalar_one_or_none()

    async def by_number(self, number: str) -> Certificate | None:
        result = await self.session.execute(select(Certificate).where(Certificate.number == number))
        return result.scalar_one_or_none()

    async def page_for_institution(
        self, institution_id: str, status: Status | None, cursor: str | None, limit: int
    ) -> Slice[tuple[Certificate, PlanInfo | None]]:
        query = self._with_plan().where(Certificate.institution_id == institution_id)
        return await self._page(query, status, cursor, limit)

    async def page_for_org(
        self, org_id: str, status: Status | None, cursor: str | None, limit: int
    ) -> Slice[tuple[Certificate, PlanInfo | None]]:
        query = self._with_plan().where(PlanInfo.org_id == org_id)
        return await self._page(query, status, cursor, limit)

    @staticmethod
    def _with_plan() -> Select[tuple[Certificate, PlanInfo]]:
        return select(Certificate, PlanInfo).outerjoin(
            PlanInfo, PlanInfo.plan_id == Certificate.plan_id
        )

    async def _page(
        self,
        query: Select[tuple[Certificate, PlanInfo]],
        status: Status | None,
        cursor: str | None,
        limit: int,
    ) -> Slice[tuple[Certificate, PlanInfo | None]]:
        if status is not None:
            query = query.where(Certificate.status == status)
        return await NEWEST_FIRST.fetch(self.session, query, cursor, limit)

    async def for_candidate(self, candidate_id: UUID) -> list[Certificate]:
        result = await self.session.execute(
            select(Certificate)
            .where(Certificate.candidate_id == candidate_id)
            .order_by(Certificate.created_at.desc())
        )
        return list(result.scalars())

    async def next_sequence(self, prefix: str) -> int:
        """The next number in `prefix`'s sequence; the row lock taken by the UPDATE holds off
        concurrent issuers until this transaction ends, so no number is handed out twice."""
        await self.session.execute(
            self._insert()(NumberSequence)
            .values(prefix=prefix, last_value=0)
            .on_conflict_do_nothing(index_elements=["prefix"])
        )
        result = await self.session.execute(
            update(NumberSequence)
            .where(NumberSequence.prefix == prefix)
            .values(last_value=NumberSequence.last_value + 1)
            .returning(NumberSequence.last_value)
        )
        return int(result.scalar_one())

    async def rounds(self, certificate_id: UUID) -> list[SigningRound]:
        result = await self.session.execute(
            select(SigningRound)
            .where(SigningRound.certificate_id == certificate_id)
            .order_by(SigningRound.seq)
        )
        return list(result.scalars())

    async def latest_round(self, certificate_id: UUID) -> SigningRound | None:
        result = await self.session.execute(
            select(SigningRound)
            .where(SigningRound.certificate_id == certificate_id)
            .order_by(SigningRound.seq.desc())
            .limit(1)
        )
        return result.scalar_one_or_none()

    async def add_round(self, signing_round: SigningRound) -> SigningRound:
        self.session.add(signing_round)
        await self.session.flush()
        return signing_round
