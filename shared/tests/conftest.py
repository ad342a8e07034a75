import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from sample.app import build_spec

from skillcert.testing import ServiceHarness


@pytest.fixture(scope="session")
async def harness() -> AsyncIterator[ServiceHarness]:
    async with ServiceHarness(build_spec) as h:
        yield h


@pytest.fixture
async def clean(harness: ServiceHarness) -> AsyncIterator[ServiceHarness]:
    await harness.reset()
    yield harness
