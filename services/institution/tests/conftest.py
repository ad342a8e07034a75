from collections.abc import AsyncIterator

import pytest

from institution.main import build_spec, seed
from skillcert.testing import ServiceHarness


@pytest.fixture(scope="session")
async def harness() -> AsyncIterator[ServiceHarness]:
    async with ServiceHarness(build_spec) as h:
        yield h


@pytest.fixture(autouse=True)
async def clean(harness: ServiceHarness) -> AsyncIterator[None]:
    await harness.reset()
    await seed(harness.ctx)  # the sample directory, as every start loads it
    yield
