from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.types import Receive, Scope, Send

from payment.config import PaymentSettings
from payment.main import build_spec
from skillcert.auth import Role
from skillcert_devtools.wechatpay import SimulatorState, create_app, generate_test_keys, serve
from tests.support import Channel, PaymentHarness


class _Merchant:
    """The payment app as the simulator's callbacks reach it: no gateway listens in tests, so
    notifications enter the app over ASGI; the app exists only once the harness started."""

    def __init__(self) -> None:
        self.harness: PaymentHarness | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        assert self.harness is not None and self.harness.app is not None
        await self.harness.app(scope, receive, send)


@pytest.fixture(scope="session")
async def harness() -> AsyncIterator[PaymentHarness]:
    """The payment service against real infrastructure and, standing in for WeChat Pay, the
    simulator served over real HTTP at the service's `provider_base_url`."""
    keys = generate_test_keys()
    merchant = _Merchant()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=merchant)) as callbacks:
        simulator = SimulatorState.from_keys(keys, callback_client=callbacks)
        h = PaymentHarness(lambda: build_spec(PaymentSettings(**settings)))
        async with serve(create_app(simulator, h.tokens.verifier)) as url:
            settings = {
                **keys.payment_settings(provider_base_url=url),
                "public_base_url": "http://testserver",
                # Tests run the expiry and refund passes themselves, with the clock they need
                # (a background pass would race them for the same rows).
                "expiry_interval_s": 3600,
                "refund_interval_s": 3600,
                "refund_query_interval_s": 3600,
            }
            async with (
                httpx.AsyncClient(base_url=url, headers=h.headers(Role.OPS)) as provider,
                h,
            ):
                merchant.harness = h
                h.simulator = simulator
                h.provider = provider
                yield h


@pytest.fixture
async def clean(harness: PaymentHarness) -> AsyncIterator[None]:
    # Not autouse: the provider tests next door need no database.
    await harness.reset()
    yield


@pytest.fixture
def channel(harness: PaymentHarness) -> Channel:
    return Channel(harness.ctx.resources.wechatpay, harness.simulator)
