from collections.abc import AsyncIterator

import pytest

from review.main import build_spec
from skillcert.testing import ServiceHarness


@pytest.fixture(scope="session")
async def harness() -> AsyncIterator[ServiceHarness]:
    async with ServiceHarness(build_spec) as h:
        yield h


@pytest.fixture(autouse=True)
async def clean(request: pytest.FixtureRequest) -> AsyncIterator[None]:
    # Pure rule tests need no infrastructure; only tests that use the harness get a clean one.
    if "harness" in request.fixturenames:
        harness: ServiceHarness = request.getfixturevalue("harness")
        await harness.reset()
    yield
