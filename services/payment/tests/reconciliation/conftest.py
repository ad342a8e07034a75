import pytest

from payment.wechat import WeChatPay


@pytest.fixture(autouse=True)
def _clean(clean: None, channel: WeChatPay) -> None:
    """Empty tables, and a provider without other tests' trades: bills list them all."""
    assert channel.simulator is not None
    channel.simulator.orders.clear()
    channel.simulator.refunds.clear()
