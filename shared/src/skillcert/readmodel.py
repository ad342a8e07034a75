"""Read models kept from other services' events: one row per entity, replaced by each newer
version and never rolled back by an older one that arrives late (messages are delivered at
least once and in no guaranteed order: a retried republication can overtake a newer one).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Table, TextClause, bindparam, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase

from skillcert.db import table_of


@functools.cache
def _upsert(table: Table, columns: tuple[str, ...], version: str) -> TextClause:
    keys = [c.name for c in table.primary_key.columns]
    updated = [c for c in columns if c not in keys]
    # A row without a version yet (kept before versions were) takes any version.
    statement = text(
        f"INSERT INTO {table.name} ({', '.join(columns)}) "
        f"VALUES ({', '.join(':' + c for c in columns)}) "
        f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET "
        f"{', '.join(f'{c} = excluded.{c}' for c in updated)} "
        f"WHERE {table.name}.{version} IS NULL OR {table.name}.{version} <= excluded.{version} "
        f"RETURNING {keys[0]}"
    )
    return statement.bindparams(*(bindparam(c, type_=table.c[c].type) for c in columns))


async def upsert_newer(
    session: AsyncSession,
    model: type[DeclarativeBase],
    values: Mapping[str, Any],
    version: str = "published_at",
) -> bool:
    """Insert the row `values` (primary key included) or replace the stored one unless the
    stored `version` is newer; the same version again replaces it (a redelivery changes
    nothing). True when written, False when an older version was ignored.

    One statement (`INSERT … ON CONFLICT DO UPDATE … WHERE`), on PostgreSQL and SQLite alike,
    so two versions handled at once cannot both insert or overwrite each other out of order.
    An instance of the row already in the session is read again."""
    table = table_of(model)
    if version not in values:
        raise ValueError(f"{table.name}: the values carry no {version!r}")
    statement = _upsert(table, tuple(values), version)
    written = (await session.execute(statement, dict(values))).first() is not None
    keys = tuple(values[c.name] for c in table.primary_key.columns)
    loaded = session.identity_map.get(session.identity_key(model, keys))
    if loaded is not None:
        await session.refresh(loaded)
    return written
