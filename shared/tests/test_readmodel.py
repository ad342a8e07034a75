"""The read-model upsert: a newer version replaces the row, an older one arriving late is
ignored, on PostgreSQL and on SQLite (embedded mode)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import JSON, DateTime, String, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from skillcert.db import create_engine, create_sessionmaker, new_metadata
from skillcert.readmodel import upsert_newer
from skillcert.testing import create_database, drop_database

T0 = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)


class Base(DeclarativeBase):
    metadata = new_metadata()


class KeptPlan(Base):
    __tablename__ = "kept_plans"

    plan_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(100))
    subjects: Mapped[list[str]] = mapped_column(JSON)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


@pytest.fixture(params=["postgresql", "sqlite"])
async def session(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AsyncSession]:
    name = f"skillcert_readmodel_{uuid.uuid4().hex[:8]}"
    if request.param == "postgresql":
        url = await create_database(name)
    else:
        url = f"sqlite+aiosqlite:///{tmp_path / 'readmodel.db'}"
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(Base.metadata.create_all)
        async with create_sessionmaker(engine)() as s:
            yield s
    finally:
        await engine.dispose()
        if request.param == "postgresql":
            await drop_database(name)


def version(plan_id: uuid.UUID, title: str, at: datetime | None) -> dict[str, Any]:
    return {"plan_id": plan_id, "title": title, "subjects": [title], "published_at": at}


async def kept(session: AsyncSession, plan_id: uuid.UUID) -> tuple[str, list[str], datetime]:
    row = (await session.execute(select(KeptPlan).where(KeptPlan.plan_id == plan_id))).scalar_one()
    assert row.published_at is not None
    return row.title, row.subjects, row.published_at


async def test_a_newer_version_replaces_and_an_older_one_is_ignored(session: AsyncSession):
    plan_id = uuid.uuid4()
    assert await upsert_newer(session, KeptPlan, version(plan_id, "v1", T0))
    assert await upsert_newer(session, KeptPlan, version(plan_id, "v3", T0 + timedelta(hours=2)))
    late = version(plan_id, "v2", T0 + timedelta(hours=1))
    assert not await upsert_newer(session, KeptPlan, late)
    assert await kept(session, plan_id) == ("v3", ["v3"], T0 + timedelta(hours=2))


async def test_the_same_version_again_is_written_again(session: AsyncSession):
    plan_id = uuid.uuid4()
    assert await upsert_newer(session, KeptPlan, version(plan_id, "v1", T0))
    assert await upsert_newer(session, KeptPlan, version(plan_id, "v1", T0))
    assert (await kept(session, plan_id))[0] == "v1"


async def test_a_row_kept_without_a_version_takes_any(session: AsyncSession):
    plan_id = uuid.uuid4()
    session.add(KeptPlan(plan_id=plan_id, title="old", subjects=[], published_at=None))
    await session.flush()
    assert await upsert_newer(session, KeptPlan, version(plan_id, "v1", T0))
    assert (await kept(session, plan_id))[0] == "v1"


async def test_a_row_loaded_in_the_session_is_read_again(session: AsyncSession):
    plan_id = uuid.uuid4()
    await upsert_newer(session, KeptPlan, version(plan_id, "v1", T0))
    loaded = await session.get(KeptPlan, plan_id)
    assert loaded is not None and loaded.title == "v1"
    await upsert_newer(session, KeptPlan, version(plan_id, "v2", T0 + timedelta(hours=1)))
    assert loaded.title == "v2"


async def test_values_without_the_version_are_refused(session: AsyncSession):
    with pytest.raises(ValueError, match="published_at"):
        await upsert_newer(session, KeptPlan, {"plan_id": uuid.uuid4(), "title": "x"})
