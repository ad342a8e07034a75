"""Migration 0004 gives the certificates issued before status lists their indexes: per
organisation in issue order, with the organisation's status list row to continue from."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import command
from sqlalchemy.ext.asyncio import create_async_engine

from certificate.main import MIGRATIONS
from skillcert.migrations import alembic_config
from skillcert.testing import create_database, drop_database

T0 = datetime(2026, 6, 1, tzinfo=UTC)


def row(org_id: str | None, issued_at: datetime | None, status: str) -> dict[str, object]:
    return {
        "id": uuid.uuid4(),
        "application_id": uuid.uuid4(),
        "candidate_id": uuid.uuid4(),
        "plan_id": uuid.uuid4(),
        "ticket_number": "2026000100010001",
        "holder_name": "张三丰",
        "id_number": "110101199003074514",
        "institution_id": "INST-DEMO",
        "institution_name": "示例职业技术学院",
        "status": status,
        "determined_at": T0,
        "created_at": T0,
        "org_id": org_id,
        "org_name": f"{org_id} 组织" if org_id else None,
        "issued_at": issued_at,
    }


async def run(url: str, statement: sa.TextClause, rows: list[dict[str, object]]) -> list:
    engine = create_async_engine(url)
    try:
        async with engine.begin() as conn:
            if rows:
                await conn.execute(statement, rows)
                return []
            return list((await conn.execute(statement)).all())
    finally:
        await engine.dispose()


def test_issued_certificates_get_indexes_in_issue_order():
    name = f"cert_backfill_{uuid.uuid4().hex[:8]}"
    url = asyncio.run(create_database(name))
    try:
        config = alembic_config(url, MIGRATIONS)
        command.upgrade(config, "0003")
        rows = [
            row("ORG-A", T0 + timedelta(days=2), "issued"),
            row("ORG-A", T0 + timedelta(days=1), "revoked"),
            row("ORG-B", T0, "issued"),
            row(None, None, "pending_head_signature"),
        ]
        columns = ", ".join(rows[0])
        values = ", ".join(f":{c}" for c in rows[0])
        asyncio.run(
            run(url, sa.text(f"INSERT INTO certificates ({columns}) VALUES ({values})"), rows)
        )

        command.upgrade(config, "head")

        got = dict(
            asyncio.run(run(url, sa.text("SELECT id, status_list_index FROM certificates"), []))
        )
        assert [got[r["id"]] for r in rows] == [1, 0, 0, None]
        lists = asyncio.run(
            run(
                url,
                sa.text("SELECT org_id, org_name, next_index FROM status_lists ORDER BY org_id"),
                [],
            )
        )
        assert [tuple(r) for r in lists] == [("ORG-A", "ORG-A 组织", 2), ("ORG-B", "ORG-B 组织", 1)]
    finally:
        asyncio.run(drop_database(name))
