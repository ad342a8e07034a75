"""Tables every service database has: the outbox, the inbox and the idempotency keys.

They live on their own MetaData so each service's Alembic migration includes them next to its
own tables (see `skillcert.migrations`).
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
    String,
    Table,
    Text,
    Uuid,
)

from skillcert.db import new_metadata

messaging_metadata = new_metadata()

# SQLite only auto-increments an INTEGER PRIMARY KEY.
_id_type = BigInteger().with_variant(Integer(), "sqlite")

outbox_table = Table(
    "outbox_messages",
    messaging_metadata,
    Column("id", _id_type, primary_key=True, autoincrement=True),
    Column("message_id", Uuid, nullable=False, unique=True),
    Column("event_type", String(200), nullable=False),
    Column("payload", Text, nullable=False),
    Column("headers", JSON, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("published_at", DateTime(timezone=True), nullable=True),
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", Text, nullable=True),
)
Index(
    "ix_outbox_messages_pending",
    outbox_table.c.id,
    postgresql_where=outbox_table.c.published_at.is_(None),
    sqlite_where=outbox_table.c.published_at.is_(None),
)

inbox_table = Table(
    "inbox_messages",
    messaging_metadata,
    Column("consumer", String(100), primary_key=True),
    Column("message_id", String(64), primary_key=True),
    Column("event_type", String(200), nullable=False),
    Column("processed_at", DateTime(timezone=True), nullable=False),
)

idempotency_table = Table(
    "idempotency_keys",
    messaging_metadata,
    Column("principal", String(64), primary_key=True),
    Column("key", String(200), primary_key=True),
    Column("method", String(10), nullable=False),
    Column("path", String(500), nullable=False),
    Column("status_code", Integer, nullable=False),
    Column("response_body", Text, nullable=False),
    Column("media_type", String(100), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
