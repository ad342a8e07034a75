"""Loading the directory file: new codes only, corrections survive, a bad file loads nothing."""

from pathlib import Path

import pytest
from sqlalchemy import func, select

from institution.config import SAMPLE_DIRECTORY
from institution.directory.models import DirectoryChange, DirectoryEntry
from institution.directory.service import load_directory_file
from skillcert.errors import InvalidInput
from skillcert.testing import ServiceHarness


async def entries(harness: ServiceHarness) -> int:
    async with harness.ctx.sessionmaker() as session:
        query = select(func.count()).select_from(DirectoryEntry)
        return int((await session.execute(query)).scalar_one())


class TestLoadDirectoryFile:
    async def test_the_start_loaded_the_sample_once(self, harness: ServiceHarness):
        rows = SAMPLE_DIRECTORY.read_text(encoding="utf-8").strip().count("\n")
        assert await entries(harness) == rows
        report = await load_directory_file(harness.ctx.sessionmaker, SAMPLE_DIRECTORY)
        assert (report.added, report.unchanged) == (0, rows)
        async with harness.ctx.sessionmaker() as session:
            query = select(func.count()).select_from(DirectoryChange)
            assert (await session.execute(query)).scalar_one() == rows  # one import record each

    async def test_a_correction_outlives_a_reload(self, harness: ServiceHarness):
        async with harness.ctx.sessionmaker() as session:
            entry = await session.get(DirectoryEntry, "4111010028")
            assert entry is not None
            entry.name = "首都师范大学（已更正）"
            await session.commit()
        await load_directory_file(harness.ctx.sessionmaker, SAMPLE_DIRECTORY)
        async with harness.ctx.sessionmaker() as session:
            entry = await session.get(DirectoryEntry, "4111010028")
            assert entry is not None and entry.name == "首都师范大学（已更正）"

    async def test_a_file_with_a_bad_row_loads_nothing(
        self, harness: ServiceHarness, tmp_path: Path
    ):
        before = await entries(harness)
        path = tmp_path / "list.csv"
        path.write_text(
            "code,name,province,city,level\n"
            "4153019001,云南示例学院,530000,530100,本科\n"
            "4153019002,云南坏行学院,530000,110100,本科\n",
            encoding="utf-8",
        )
        with pytest.raises(InvalidInput) as raised:
            await load_directory_file(harness.ctx.sessionmaker, path)
        assert [e.field for e in raised.value.errors] == ["rows[3].city"]
        assert await entries(harness) == before

    async def test_a_new_name_clashing_with_a_listed_one_loads_nothing(
        self, harness: ServiceHarness, tmp_path: Path
    ):
        before = await entries(harness)
        path = tmp_path / "list.csv"
        path.write_text(
            "code,name,province,city,level\n4111019001,首都师范大学,110000,110100,本科\n",
            encoding="utf-8",
        )
        with pytest.raises(InvalidInput) as raised:
            await load_directory_file(harness.ctx.sessionmaker, path)
        assert [e.field for e in raised.value.errors] == ["code.4111019001"]
        assert await entries(harness) == before
