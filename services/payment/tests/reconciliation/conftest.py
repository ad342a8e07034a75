import pytest

from tests.support import Channel


@pytest.fixture(autouse=True)
def _clean(clean: None, channel: Channel) -> None:
    """Empty tables, and a provider without other tests' trades: bills list them all."""
    channel.simulator.orders.clear()
    channel.simulator.refunds.clear()
