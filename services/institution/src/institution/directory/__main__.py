"""Load a directory CSV (docs/institution-directory.md) into the database the settings name:

    INSTITUTION_DATABASE_URL=... python -m institution.directory institutions.csv

New codes are added; entries already in the list are kept as they are. A file with a bad row
loads nothing and every bad row is printed."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from institution.config import InstitutionSettings
from institution.directory.service import load_directory_file
from skillcert.db import create_engine, create_sessionmaker
from skillcert.errors import InvalidInput


async def _load(path: Path) -> int:
    engine = create_engine(InstitutionSettings().database_url)
    try:
        report = await load_directory_file(create_sessionmaker(engine), path)
    except InvalidInput as exc:
        print(exc.detail, file=sys.stderr)
        for error in exc.errors:
            print(f"  {error.field}: {error.message}", file=sys.stderr)
        return 1
    finally:
        await engine.dispose()
    print(f"added {report.added}, already listed {report.unchanged}")
    return 0


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(asyncio.run(_load(Path(sys.argv[1]))))


if __name__ == "__main__":
    main()
