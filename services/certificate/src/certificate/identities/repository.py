from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from certificate.identities.models import StoredIdentity


class IdentityRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, kind: str, owner_id: str) -> StoredIdentity | None:
        result = await self.session.execute(
            select(StoredIdentity).where(
                StoredIdentity.kind == kind, StoredIdentity.owner_id == owner_id
            )
        )
        return result.scalar_one_or_none()

    async def add_if_absent(self, identity: StoredIdentity) -> StoredIdentity:
        """Insert unless another request created the same identity first; returns the winner."""
        dialect = self.session.get_bind().dialect.name
        insert_fn: Any = pg_insert if dialect == "postgresql" else sqlite_insert
        await self.session.execute(
            insert_fn(StoredIdentity)
            .values(
                id=identity.id,
                kind=identity.kind,
                owner_id=identity.owner_id,
                common_name=identity.common_name,
                key_pem=identity.key_pem,
                cert_pem=identity.cert_pem,
                created_at=identity.created_at,
            )
            .on_conflict_do_nothing()
        )
        stored = await self.get(identity.kind, identity.owner_id)
        assert stored is not None
        return stored

    async def ca_cert_pems(self) -> list[str]:
        result = await self.session.execute(
            select(StoredIdentity.cert_pem).where(StoredIdentity.kind == "ca")
        )
        return list(result.scalars())
