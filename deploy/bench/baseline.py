"""The bare baseline of the submission benchmark (`submissions.py`).

What the real submit does, with nothing between HTTP and PostgreSQL but FastAPI and raw asyncpg:

* API process (`uvicorn --factory baseline:create_app`): ``POST /submit/{application_id}``
  locks and reads the application and its accepted documents, updates the application
  (status, revision, submitted_at, the roster institution ...), inserts one status-history row
  and one outbox row carrying an ``ApplicationSubmitted`` event of the same shape and size as
  the real one, all in one transaction; then wakes the relay. No ORM, no token check, no
  checks of the plan's window or the form, no response view.
* The relay is `skillcert.outbox.OutboxRelay` over `skillcert.bus.rabbit.RabbitBus`, in the API
  process (as in every real service).

Two ways to run it (``submissions.py --baseline``):

* ``chain`` (the issue's definition, the default): the endpoint works on applications prepared
  in registration's own database exactly like the real ones, and the relay publishes to the
  distribution's exchange, so review and notification consume the events as they consume the
  real ones; only the endpoint differs.
* ``bare``: its own database with registration's tables (``API_DDL``), its own exchange, and a
  consumer process (``python baseline.py consumer``), a `skillcert.inbox.EventConsumer` that
  records the inbox row and inserts one case row per submission into a second database: the
  whole chain bare.

Configuration comes from the environment (set by `submissions.py`):
BENCH_API_DSN, BENCH_CONSUMER_DSN, BENCH_AMQP_URL, BENCH_EXCHANGE, BENCH_EVENT_TEMPLATE (a
path to one real ``registration.application.submitted.v1`` payload), BENCH_POOL_SIZE,
BENCH_PREFETCH, BENCH_OUTBOX_POLL_INTERVAL_S.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import sys
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import asyncpg
from fastapi import FastAPI
from fastapi.responses import JSONResponse
from sqlalchemy import Column, Date, DateTime, Integer, MetaData, String, Table, Uuid, insert
from sqlalchemy.ext.asyncio import AsyncSession

from skillcert import context
from skillcert.bus.rabbit import RabbitBus
from skillcert.db import create_engine, create_sessionmaker
from skillcert.events import ApplicationSubmitted, SubmittedDocument
from skillcert.inbox import EventConsumer
from skillcert.messaging import messaging_metadata
from skillcert.outbox import OutboxRelay

SUBMITTED = ApplicationSubmitted.model_fields["type"].default

# --- schema -----------------------------------------------------------------------------------
# The registration tables the submit touches, as in registration's migration (same columns,
# indexes and foreign keys that matter for the writes).
API_DDL = """
CREATE TABLE applications (
    id uuid PRIMARY KEY,
    candidate_id uuid NOT NULL,
    plan_id uuid NOT NULL,
    org_id varchar(50) NOT NULL,
    status varchar(20) NOT NULL,
    revision integer NOT NULL,
    edited_since_submit boolean NOT NULL,
    name varchar(50), gender varchar(10), birth_date date, ethnic_group varchar(20),
    education varchar(30), mobile varchar(20), email varchar(100), postal_code varchar(6),
    identity varchar(20), id_type varchar(30), id_number varchar(30), work_unit varchar(200),
    years_worked integer, condition_code varchar(50), institution_id varchar(50),
    rejection_reasons json NOT NULL,
    ticket_number varchar(50), certificate_number varchar(50),
    created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL, submitted_at timestamptz
);
CREATE INDEX ix_applications_candidate_created ON applications (candidate_id, created_at);
CREATE UNIQUE INDEX uq_applications_active_candidate_plan ON applications (candidate_id, plan_id)
    WHERE status <> 'withdrawn';
CREATE TABLE application_documents (
    id uuid PRIMARY KEY,
    application_id uuid NOT NULL REFERENCES applications (id),
    kind varchar(40) NOT NULL, status varchar(20) NOT NULL, object_key varchar(200) NOT NULL,
    declared_content_type varchar(100) NOT NULL, declared_size integer NOT NULL,
    content_type varchar(100), size integer, rejection_reason varchar(500),
    created_at timestamptz NOT NULL, confirmed_at timestamptz
);
CREATE INDEX ix_application_documents_application_id ON application_documents (application_id);
CREATE UNIQUE INDEX uq_application_documents_accepted_kind ON application_documents
    (application_id, kind) WHERE status = 'accepted';
CREATE TABLE application_status_changes (
    id uuid PRIMARY KEY,
    application_id uuid NOT NULL REFERENCES applications (id),
    from_status varchar(20), to_status varchar(20) NOT NULL, revision integer NOT NULL,
    note varchar(500), reasons json NOT NULL, at timestamptz NOT NULL
);
CREATE INDEX ix_application_status_changes_application_id
    ON application_status_changes (application_id);
CREATE TABLE roster_students (
    id uuid PRIMARY KEY, institution_id varchar(50) NOT NULL, id_number varchar(30) NOT NULL,
    imported_at timestamptz NOT NULL
);
CREATE INDEX ix_roster_students_id_number ON roster_students (id_number);
"""

_case_metadata = MetaData()
#: the consumer's one row per submission (review_cases' columns that come from the event)
cases_table = Table(
    "bench_cases",
    _case_metadata,
    Column("id", Uuid, primary_key=True),
    Column("application_id", Uuid, nullable=False, unique=True),
    Column("candidate_id", Uuid, nullable=False),
    Column("plan_id", Uuid, nullable=False, index=True),
    Column("org_id", String(50), nullable=False),
    Column("status", String(20), nullable=False),
    Column("revision", Integer, nullable=False),
    Column("candidate_name", String(100), nullable=False),
    Column("id_type", String(30), nullable=False),
    Column("id_number", String(40), nullable=False),
    Column("phone", String(20)),
    Column("birth_date", Date),
    Column("condition_code", String(50)),
    Column("years_worked", Integer),
    Column("submitted_at", DateTime(timezone=True), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)


def _sa_url(dsn: str) -> str:
    return dsn.replace("postgresql://", "postgresql+asyncpg://", 1)


async def create_schema(api_dsn: str, consumer_dsn: str) -> None:
    """Tables of both baseline databases (outbox/inbox from `skillcert.messaging`)."""
    conn = await asyncpg.connect(api_dsn)
    try:
        await conn.execute(API_DDL)
    finally:
        await conn.close()
    for dsn, metadatas in (
        (api_dsn, [messaging_metadata]),
        (consumer_dsn, [messaging_metadata, _case_metadata]),
    ):
        engine = create_engine(_sa_url(dsn), pool_size=1)
        try:
            async with engine.begin() as sa_conn:
                for metadata in metadatas:
                    await sa_conn.run_sync(metadata.create_all)
        finally:
            await engine.dispose()


async def seed(api_dsn: str, rows: list[dict[str, Any]]) -> None:
    """Draft applications with every step done and one accepted photo each."""
    now = datetime.now(UTC)
    conn = await asyncpg.connect(api_dsn)
    try:
        await conn.copy_records_to_table(
            "applications",
            columns=[
                "id",
                "candidate_id",
                "plan_id",
                "org_id",
                "status",
                "revision",
                "edited_since_submit",
                "name",
                "gender",
                "birth_date",
                "ethnic_group",
                "education",
                "mobile",
                "email",
                "postal_code",
                "identity",
                "id_type",
                "id_number",
                "work_unit",
                "years_worked",
                "condition_code",
                "rejection_reasons",
                "created_at",
                "updated_at",
            ],
            records=[
                (
                    r["id"],
                    r["candidate_id"],
                    r["plan_id"],
                    r["org_id"],
                    "draft",
                    0,
                    False,
                    r["name"],
                    r["gender"],
                    r["birth_date"],
                    r["ethnic_group"],
                    r["education"],
                    r["mobile"],
                    r["email"],
                    r["postal_code"],
                    r["identity"],
                    r["id_type"],
                    r["id_number"],
                    r["work_unit"],
                    r["years_worked"],
                    r["condition_code"],
                    "[]",
                    now,
                    now,
                )
                for r in rows
            ],
        )
        documents = []
        for r in rows:
            doc_id = uuid.uuid4()
            documents.append(
                (
                    doc_id,
                    r["id"],
                    "photo",
                    "accepted",
                    f"registration/{r['id']}/{doc_id}",
                    "image/jpeg",
                    r["photo_size"],
                    "image/jpeg",
                    r["photo_size"],
                    now,
                    now,
                )
            )
        await conn.copy_records_to_table(
            "application_documents",
            columns=[
                "id",
                "application_id",
                "kind",
                "status",
                "object_key",
                "declared_content_type",
                "declared_size",
                "content_type",
                "size",
                "created_at",
                "confirmed_at",
            ],
            records=documents,
        )
        await conn.execute("ANALYZE")
    finally:
        await conn.close()


# --- API process -----------------------------------------------------------------------------


def _template() -> ApplicationSubmitted:
    path = os.environ.get("BENCH_EVENT_TEMPLATE")
    if path and Path(path).exists():
        event = ApplicationSubmitted.model_validate_json(Path(path).read_text())
        assert event.type == SUBMITTED
        return event
    return ApplicationSubmitted(
        application_id=uuid.uuid4(),
        candidate_id=uuid.uuid4(),
        plan_id=uuid.uuid4(),
        org_id="ORG-DEMO",
        revision=1,
        candidate_name="王小明",
        id_type="resident_id",
        id_number="110101198506120013",
        phone="13900000000",
        birth_date=date(1985, 6, 12),
        condition_code="L2_PLUS_4Y",
        years_worked=9,
        documents=[
            SubmittedDocument(
                kind="photo",
                object_key=f"registration/{uuid.uuid4()}/{uuid.uuid4()}",
                content_type="image/jpeg",
                size=60000,
            )
        ],
        submitted_at=datetime.now(UTC),
    )


SELECT_APPLICATION = """
SELECT id, candidate_id, plan_id, org_id, status, revision, name, id_type, id_number, mobile,
       birth_date, condition_code, years_worked
FROM applications WHERE id = $1 FOR UPDATE
"""
SELECT_DOCUMENTS = """
SELECT kind, object_key, coalesce(content_type, declared_content_type) AS content_type,
       coalesce(size, declared_size) AS size
FROM application_documents WHERE application_id = $1 AND status = 'accepted'
"""
UPDATE_APPLICATION = """
UPDATE applications SET status = 'submitted', revision = $2, edited_since_submit = false,
       rejection_reasons = '[]', submitted_at = $3, updated_at = $3,
       institution_id = (SELECT r.institution_id FROM roster_students r
                         WHERE r.id_number = applications.id_number
                         ORDER BY r.imported_at DESC, r.id DESC LIMIT 1)
WHERE id = $1
RETURNING institution_id
"""
INSERT_CHANGE = """
INSERT INTO application_status_changes
    (id, application_id, from_status, to_status, revision, note, reasons, at)
VALUES ($1, $2, $3, 'submitted', $4, '首次提交', '[]', $5)
"""
INSERT_OUTBOX = """
INSERT INTO outbox_messages (message_id, event_type, payload, headers, created_at, attempts)
VALUES ($1, $2, $3, $4, $5, 0)
"""


def create_app() -> FastAPI:
    dsn = os.environ["BENCH_API_DSN"]
    pool_size = int(os.environ.get("BENCH_POOL_SIZE", "10"))
    template = _template()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # The real services' pool: pool_size + max_overflow = 2 × database_pool_size.
        pool = await asyncpg.create_pool(dsn, min_size=pool_size, max_size=2 * pool_size)
        engine = create_engine(_sa_url(dsn), pool_size=2)
        bus = RabbitBus(os.environ["BENCH_AMQP_URL"], os.environ["BENCH_EXCHANGE"])
        await bus.connect()
        relay = OutboxRelay(
            create_sessionmaker(engine),
            bus,
            poll_interval_s=float(os.environ.get("BENCH_OUTBOX_POLL_INTERVAL_S", "0.5")),
        )
        relay.start()
        app.state.pool, app.state.relay = pool, relay
        try:
            yield
        finally:
            await relay.stop()
            await bus.close()
            await engine.dispose()
            await pool.close()

    app = FastAPI(lifespan=lifespan)

    @app.get("/readyz")
    async def readyz() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/submit/{application_id}")
    async def submit(application_id: uuid.UUID) -> JSONResponse:
        pool: asyncpg.Pool = app.state.pool
        at = datetime.now(UTC)
        async with pool.acquire() as conn, conn.transaction():
            row = await conn.fetchrow(SELECT_APPLICATION, application_id)
            if row is None:
                return JSONResponse({"detail": "not found"}, status_code=404)
            if row["status"] != "draft":
                return JSONResponse({"detail": "already submitted"}, status_code=409)
            documents = await conn.fetch(SELECT_DOCUMENTS, application_id)
            revision = row["revision"] + 1
            institution_id = await conn.fetchval(UPDATE_APPLICATION, application_id, revision, at)
            event = template.model_copy(
                update={
                    "event_id": uuid.uuid4(),
                    "occurred_at": at,
                    "correlation_id": uuid.uuid4().hex,
                    "application_id": row["id"],
                    "candidate_id": row["candidate_id"],
                    "plan_id": row["plan_id"],
                    "org_id": row["org_id"],
                    "revision": revision,
                    "candidate_name": row["name"],
                    "id_type": row["id_type"],
                    "id_number": row["id_number"],
                    "phone": row["mobile"],
                    "birth_date": row["birth_date"],
                    "condition_code": row["condition_code"],
                    "years_worked": row["years_worked"],
                    "documents": [SubmittedDocument(**dict(d)) for d in documents],
                    "submitted_at": at,
                    "institution_id": institution_id,
                }
            )
            headers = {"type": event.type, context.CORRELATION_HEADER: event.correlation_id}
            await conn.execute(
                INSERT_CHANGE, uuid.uuid4(), application_id, row["status"], revision, at
            )
            await conn.execute(
                INSERT_OUTBOX,
                event.event_id,
                event.type,
                event.model_dump_json(),
                json.dumps(headers),
                at,
            )
        app.state.relay.wake()
        return JSONResponse(
            {"id": str(application_id), "status": "submitted", "revision": revision}
        )

    return app


# --- consumer process ------------------------------------------------------------------------


async def on_submitted(session: AsyncSession, event: ApplicationSubmitted) -> None:
    now = datetime.now(UTC)
    await session.execute(
        insert(cases_table).values(
            id=uuid.uuid4(),
            application_id=event.application_id,
            candidate_id=event.candidate_id,
            plan_id=event.plan_id,
            org_id=event.org_id,
            status="pending",
            revision=event.revision,
            candidate_name=event.candidate_name,
            id_type=event.id_type,
            id_number=event.id_number,
            phone=event.phone,
            birth_date=event.birth_date,
            condition_code=event.condition_code,
            years_worked=event.years_worked,
            submitted_at=event.submitted_at,
            created_at=now,
        )
    )


async def run_consumer() -> None:
    dsn = os.environ["BENCH_CONSUMER_DSN"]
    engine = create_engine(_sa_url(dsn), pool_size=int(os.environ.get("BENCH_POOL_SIZE", "10")))
    sessionmaker = create_sessionmaker(engine)
    bus = RabbitBus(os.environ["BENCH_AMQP_URL"], os.environ["BENCH_EXCHANGE"])
    await bus.connect()
    consumer = EventConsumer("bench-review", sessionmaker, {ApplicationSubmitted: on_submitted})
    await bus.subscribe(consumer.subscription(int(os.environ.get("BENCH_PREFETCH", "32"))))
    print("baseline consumer ready", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        with contextlib.suppress(Exception):
            await bus.close()
        await engine.dispose()


if __name__ == "__main__":
    if sys.argv[1:] == ["consumer"]:
        try:
            import uvloop

            uvloop.install()
        except ImportError:  # pragma: no cover
            pass
        asyncio.run(run_consumer())
    else:
        sys.exit("usage: python baseline.py consumer  (the API runs under uvicorn --factory)")
