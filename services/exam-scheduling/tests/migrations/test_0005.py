"""Migration 0005 turns the sites of before into approved sites of the organisation whose plans
they host, keeps their rooms as standing rooms (no plan: they serve every plan of their site)
and numbers the existing plans (K + creation day in China + serial)."""

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from uuid import uuid4

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from exam_scheduling.main import MIGRATIONS
from skillcert.migrations import upgrade
from skillcert.testing import create_database, drop_database, unique


@pytest.fixture
async def database() -> AsyncIterator[str]:
    name = unique("exam_scheduling_migration")
    url = await create_database(name)
    yield url
    await drop_database(name)


async def rows(url: str, sql: str) -> list[tuple]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            return [tuple(r) for r in await connection.execute(text(sql))]
    finally:
        await engine.dispose()


async def test_existing_sites_rooms_and_plans_are_carried_over(database: str):
    await asyncio.to_thread(upgrade, database, MIGRATIONS, "0004")
    engine = create_async_engine(database)
    # 2026-03-01 20:00 UTC is already 2026-03-02 in China.
    at = datetime(2026, 3, 1, 20, 0, tzinfo=UTC)
    plan, hosting, idle = uuid4(), uuid4(), uuid4()
    async with engine.begin() as connection:
        await connection.execute(
            text("INSERT INTO occupations (code, name) VALUES ('4-01-02-02', '电子商务师')")
        )
        await connection.execute(text("INSERT INTO levels (level, name) VALUES (1, '一级')"))
        await connection.execute(
            text(
                "INSERT INTO exam_plans (id, serial, org_id, org_name, title, occupation_code,"
                " occupation_name, level, level_name, registration_opens_at,"
                " registration_closes_at, exam_starts_at, exam_ends_at, withdrawal_closes_at,"
                " fee_fen, requires_mail_in, conditions, status, created_at) VALUES (:id, 7,"
                " 'ORG-A', '甲组织', 't', '4-01-02-02', '电子商务师', 1, '一级', :at, :at, :at,"
                " :at, :at, 0, false, '[]', 'published', :at)"
            ),
            {"id": plan, "at": at},
        )
        for site in (hosting, idle):
            await connection.execute(
                text(
                    "INSERT INTO sites (id, name, address, institution_id, institution_name,"
                    " created_at) VALUES (:id, '考点', '地址', 'INST', '学院', :at)"
                ),
                {"id": site, "at": at},
            )
        await connection.execute(
            text("INSERT INTO plan_sites (plan_id, site_id, position) VALUES (:p, :s, 1)"),
            {"p": plan, "s": hosting},
        )
        await connection.execute(
            text(
                "INSERT INTO rooms (id, site_id, number, name, capacity, created_at)"
                " VALUES (:id, :s, 1, '1号机房', 30, :at)"
            ),
            {"id": uuid4(), "s": hosting, "at": at},
        )
    await engine.dispose()

    await asyncio.to_thread(upgrade, database, MIGRATIONS, "head")

    assert await rows(database, "SELECT number FROM exam_plans") == [("K202603020007",)]
    # 0007: the windows a plan of before did not have get their defaults (登记, 公示 a month).
    [(scores_close, publicity_closes)] = await rows(
        database, "SELECT scores_close_at, publicity_closes_at FROM exam_plans"
    )
    assert (scores_close - at).days == 30 and (publicity_closes - at).days == 60
    sites = {
        r[0]: r[1:]
        for r in await rows(
            database, "SELECT id, org_id, org_name, status, certificates::text FROM sites"
        )
    }
    org_id, org_name, status, certificates = sites[hosting]
    assert (org_id, org_name, status) == ("ORG-A", "甲组织", "approved")
    assert json.loads(certificates) == [{"occupation_code": "4-01-02-02", "level": 1}]
    assert sites[idle][:3] == ("", "", "approved")
    assert await rows(database, "SELECT plan_id, room_type, address FROM rooms") == [
        (None, "computer", None)
    ]
