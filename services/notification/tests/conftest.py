from collections.abc import AsyncIterator

import pytest

from notification.main import build_spec
from skillcert.testing import ServiceHarness


@pytest.fixture(scope="session")
async def harness() -> AsyncIterator[ServiceHarness]:
    async with ServiceHarness(build_spec) as h:
        yield h


@pytest.fixture(autouse=True)
async def clean(harness: ServiceHarness) -> AsyncIterator[None]:
    await harness.reset()
    from notification.main import seed

    await seed(harness.ctx)
    yield
