"""Async SQLAlchemy engines and sessions: asyncpg for PostgreSQL, aiosqlite for embedded mode.

The framework owns the transaction (see `skillcert.http.TransactionalRoute` and
`skillcert.inbox`); service code only flushes.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, MetaData, Table, TextClause, bindparam, event, text
from sqlalchemy.dialects.sqlite.base import DATETIME as SQLiteDateTime
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.ext import asyncio as sa_asyncio
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.pool import NullPool
from sqlalchemy.sql.selectable import TextualSelect

#: Stable constraint names so Alembic migrations are identical on PostgreSQL and SQLite.
NAMING_CONVENTION: dict[str, str] = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_metadata() -> MetaData:
    return MetaData(naming_convention=NAMING_CONVENTION)


class _UtcSQLiteDateTime(SQLiteDateTime):
    """SQLite has no time zones: store UTC, and hand back aware UTC datetimes as PostgreSQL
    does, so the same service code runs on both."""

    def bind_processor(self, dialect: Dialect) -> Callable[[Any], Any] | None:
        process = super().bind_processor(dialect)

        def convert(value: Any) -> Any:
            if isinstance(value, datetime) and value.tzinfo is not None:
                value = value.astimezone(UTC).replace(tzinfo=None)
            return process(value) if process else value

        return convert

    def result_processor(self, dialect: Dialect, coltype: object) -> Callable[[Any], Any] | None:
        process = super().result_processor(dialect, coltype)

        def convert(value: Any) -> Any:
            value = process(value) if process else value
            if isinstance(value, datetime) and value.tzinfo is None:
                value = value.replace(tzinfo=UTC)
            return value

        return convert


def create_engine(url: str, *, pool_size: int = 10, echo: bool = False) -> AsyncEngine:
    parsed = make_url(url)
    if parsed.drivername.startswith("sqlite"):
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        # One writer at a time in SQLite: wait for the lock instead of failing at once.
        engine = sa_asyncio.create_async_engine(
            url, echo=echo, poolclass=NullPool, connect_args={"timeout": 30}
        )
        engine.dialect.colspecs = {**engine.dialect.colspecs, DateTime: _UtcSQLiteDateTime}

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    # Looked up at call time: the OpenTelemetry instrumentation wraps the module attribute.
    # Optimistic disconnect handling: a pre-ping cost a round trip on every checkout, i.e. on
    # every request and every consumed message. After a database restart the first statement
    # on a dead connection fails, SQLAlchemy then invalidates the whole pool, the request
    # answers 5xx once and a consumed message is redelivered; recycling bounds how stale a
    # connection gets behind a proxy or firewall that drops idle ones.
    return sa_asyncio.create_async_engine(
        url, echo=echo, pool_size=pool_size, max_overflow=pool_size, pool_recycle=1800
    )


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


@asynccontextmanager
async def transaction(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> AsyncIterator[AsyncSession]:
    """One unit of work: commit when the block ends normally, roll back when it raises."""
    async with sessionmaker() as session:
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise


def table_of(model: type[Any]) -> Table:
    """A mapped class's Table, for hot-path Core statements: `insert(table_of(M))` executed
    with the values as parameters compiles once and is cached, where `insert(M).values(...)`
    compiles on every call (a third of review's CPU in the submission benchmark)."""
    table = model.__table__
    assert isinstance(table, Table)
    return table


@functools.cache
def insert_or_ignore(
    table: Table,
    columns: tuple[str, ...],
    conflict: tuple[str, ...] = (),
    returning: str | None = None,
) -> TextClause | TextualSelect:
    """`INSERT … ON CONFLICT DO NOTHING [RETURNING col]` as a text statement executed with the
    values as parameters, for PostgreSQL and SQLite alike.

    SQLAlchemy 2.0 does not cache the dialect `insert().on_conflict_do_nothing()` constructs
    (no cache key), so inbox claims and first-case inserts were compiled for every message;
    a typed text statement is compiled once."""
    target = f" ({', '.join(conflict)})" if conflict else ""
    tail = f" RETURNING {returning}" if returning else ""
    statement = text(
        f"INSERT INTO {table.name} ({', '.join(columns)}) "
        f"VALUES ({', '.join(':' + c for c in columns)}) "
        f"ON CONFLICT{target} DO NOTHING{tail}"
    ).bindparams(*(bindparam(c, type_=table.c[c].type) for c in columns))
    # Typed result column, so SQLite's text comes back as the column's Python type too.
    return statement.columns(table.c[returning]) if returning else statement


# --- advisory locks ---------------------------------------------------------------------------

_ADVISORY_XACT_LOCK = text("SELECT pg_advisory_xact_lock(:key)")


def lock_key(name: str) -> int:
    """The 64-bit PostgreSQL lock key of a lock name: the same in every process and release
    (unlike Python's salted `hash`), and computed here so no SQL hash function's version or
    width (`hashtext` is 32-bit) decides which names collide."""
    digest = hashlib.blake2b(name.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


async def advisory_lock(session: AsyncSession, name: str) -> None:
    """Serialise everything that takes the lock `name` (e.g. `"sms:13800000000"`) until the
    session's transaction ends, commit or rollback: a transaction-level advisory lock on
    PostgreSQL. A no-op on SQLite (embedded mode), where a database has one writer at a time
    and the second writer waits for the first."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(_ADVISORY_XACT_LOCK, {"key": lock_key(name)})
