from collections.abc import AsyncIterator

import pytest

from notification.config import NotificationSettings
from notification.main import build_spec
from skillcert.testing import ServiceHarness


@pytest.fixture(scope="session")
async def harness() -> AsyncIterator[ServiceHarness]:
    # The development SMS outbox is switched on here to be tested; the test profile has none.
    async with ServiceHarness(lambda: build_spec(NotificationSettings(dev_sms_outbox=True))) as h:
        yield h


@pytest.fixture(autouse=True)
async def clean(harness: ServiceHarness) -> AsyncIterator[None]:
    await harness.reset()
    from notification.main import seed

    await seed(harness.ctx)
    yield
