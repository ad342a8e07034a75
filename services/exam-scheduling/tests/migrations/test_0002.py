"""Migration 0002 moves 供应链管理师 off 4-02-06-03 (the national code of 物流服务师) to its own
code 4-02-06-05, together with the plans opened for it."""

import asyncio
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


async def test_moves_the_legacy_supply_chain_code_and_its_plans(database: str):
    await asyncio.to_thread(upgrade, database, MIGRATIONS, "0001")
    engine = create_async_engine(database)
    at = datetime(2026, 3, 1, tzinfo=UTC)
    async with engine.begin() as connection:
        await connection.execute(
            text("INSERT INTO occupations (code, name) VALUES ('4-02-06-03', '供应链管理师')")
        )
        await connection.execute(text("INSERT INTO levels (level, name) VALUES (1, '一级')"))
        await connection.execute(
            text(
                "INSERT INTO exam_plans (id, serial, org_id, org_name, title, occupation_code,"
                " occupation_name, level, level_name, registration_opens_at,"
                " registration_closes_at, exam_starts_at, exam_ends_at, fee_fen,"
                " requires_mail_in, conditions, status, created_at) VALUES (:id, 1, 'ORG', 'ORG',"
                " 't', '4-02-06-03', '供应链管理师', 1, '一级', :at, :at, :at, :at, 0, false,"
                " '[]', 'draft', :at)"
            ),
            {"id": uuid4(), "at": at},
        )
    await engine.dispose()

    await asyncio.to_thread(upgrade, database, MIGRATIONS, "head")

    assert await rows(database, "SELECT code, name FROM occupations ORDER BY code") == [
        ("4-02-06-03", "物流服务师"),
        ("4-02-06-05", "供应链管理师"),
    ]
    assert await rows(database, "SELECT occupation_code, occupation_name FROM exam_plans") == [
        ("4-02-06-05", "供应链管理师")
    ]


async def test_a_fresh_database_gets_no_rows(database: str):
    await asyncio.to_thread(upgrade, database, MIGRATIONS, "head")
    assert await rows(database, "SELECT code FROM occupations") == []
