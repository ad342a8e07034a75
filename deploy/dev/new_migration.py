"""Autogenerate a migration for one service against a scratch PostgreSQL database.

uv run python deploy/dev/new_migration.py registration "add work history"
"""

from __future__ import annotations

import asyncio
import importlib
import sys
import uuid

from alembic import command

from skillcert.migrations import alembic_config
from skillcert.testing import create_database, drop_database


def main() -> None:
    service, message = sys.argv[1], sys.argv[2]
    module = importlib.import_module(f"{service.replace('-', '_')}.main")
    migrations = module.MIGRATIONS
    name = f"skillcert_migration_{uuid.uuid4().hex[:8]}"
    url = asyncio.run(create_database(name))
    try:
        config = alembic_config(url, migrations)
        command.upgrade(config, "head")
        existing = list((migrations / "versions").glob("[0-9]*.py"))
        rev_id = f"{len(existing) + 1:04d}"
        command.revision(config, message=message, autogenerate=True, rev_id=rev_id)
    finally:
        asyncio.run(drop_database(name))


if __name__ == "__main__":
    main()
