from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from certificate.certificates.models import Certificate
from certificate.certificates.rules import Status
from certificate.credentials.models import StatusList


class StatusListRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, org_id: str) -> StatusList | None:
        return await self.session.get(StatusList, org_id)

    async def take_index(self, org_id: str, org_name: str, at: datetime) -> int:
        """The organisation's next index; concurrent issues each get their own (the row lock
        of the UPDATE orders them)."""
        dialect = self.session.get_bind().dialect.name
        insert_fn: Any = pg_insert if dialect == "postgresql" else sqlite_insert
        await self.session.execute(
            insert_fn(StatusList)
            .values(org_id=org_id, org_name=org_name, next_index=0, updated_at=at)
            .on_conflict_do_nothing(index_elements=["org_id"])
        )
        result = await self.session.execute(
            update(StatusList)
            .where(StatusList.org_id == org_id)
            .values(next_index=StatusList.next_index + 1)
            .returning(StatusList.next_index)
        )
        return int(result.scalar_one()) - 1

    async def touch(self, org_id: str, at: datetime) -> None:
        await self.session.execute(
            update(StatusList).where(StatusList.org_id == org_id).values(updated_at=at)
        )

    async def revoked_indexes(self, org_id: str, first: int, last: int) -> list[int]:
        result = await self.session.execute(
            select(Certificate.status_list_index).where(
                Certificate.org_id == org_id,
                Certificate.status == Status.REVOKED,
                Certificate.status_list_index.between(first, last),
            )
        )
        return [int(i) for i in result.scalars() if i is not None]
