from collections.abc import AsyncIterator

import pytest

from notification.config import NotificationSettings
from notification.main import build_spec
from skillcert.testing import ServiceHarness

#: The secret path segment of the SMS receipt URLs in these tests.
RECEIPT_TOKEN = "receipt-token-for-tests-0123456789abcdef"


@pytest.fixture(scope="session")
async def harness() -> AsyncIterator[ServiceHarness]:
    # The development SMS outbox is switched on here to be tested; the test profile has none.
    async with ServiceHarness(
        lambda: build_spec(
            NotificationSettings(dev_sms_outbox=True, sms_receipt_token=RECEIPT_TOKEN)
        )
    ) as h:
        yield h


@pytest.fixture(autouse=True)
async def clean(harness: ServiceHarness) -> AsyncIterator[None]:
    await harness.reset()
    from notification.main import seed

    await seed(harness.ctx)
    yield
