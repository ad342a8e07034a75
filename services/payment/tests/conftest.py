from collections.abc import AsyncIterator

import pytest

from payment.config import PaymentSettings
from payment.main import build_spec
from payment.wechat import WeChatPay
from skillcert.testing import ServiceHarness


def _spec():  # type: ignore[no-untyped-def]
    return build_spec(
        PaymentSettings(
            public_base_url="http://testserver",
            # No gateway listens in tests: simulator callbacks enter this app over ASGI.
            simulator_callback_in_process=True,
            # Tests run the expiry and refund passes themselves, with the clock they need (a
            # background pass would race them for the same rows).
            expiry_interval_s=3600,
            refund_interval_s=3600,
            refund_query_interval_s=3600,
        )
    )


@pytest.fixture(scope="session")
async def harness() -> AsyncIterator[ServiceHarness]:
    async with ServiceHarness(_spec) as h:
        yield h


@pytest.fixture
async def clean(harness: ServiceHarness) -> AsyncIterator[None]:
    # Not autouse: the provider tests next door need no database.
    await harness.reset()
    yield


@pytest.fixture
def channel(harness: ServiceHarness) -> WeChatPay:
    channel: WeChatPay = harness.ctx.resources.wechatpay
    return channel
