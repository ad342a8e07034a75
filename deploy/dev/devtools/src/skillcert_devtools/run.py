"""`make run`: try skillcert in one process — the development profile, the WeChat Pay simulator
beside the gateway at /_dev/wechatpay, demo staff accounts and an open exam plan.

The payment service is configured as for any provider (``PAYMENT_PROVIDER_BASE_URL`` and a key
set generated at start); it reaches the simulator over HTTP on the same port. Paying an order
here takes an ops token: ``POST /_dev/wechatpay/simulator/scan-and-pay {"out_trade_no"}``.
"""

from __future__ import annotations

from fastapi import FastAPI

from skillcert.settings import Profile
from skillcert_devtools.wechatpay import SimulatorState, create_app, generate_test_keys
from skillcert_embedded.__main__ import arguments, serve
from skillcert_embedded.app import EmbeddedConfig, create_embedded_app

SIMULATOR_PATH = "/_dev/wechatpay"


def create_dev_app(config: EmbeddedConfig) -> FastAPI:
    """The embedded platform in the development profile with the simulator mounted; the
    simulator's state is ``app.state.simulator``."""
    keys = generate_test_keys()
    config.profile = Profile.DEV
    config.environment = {
        **keys.payment_env(provider_base_url=config.base_url + SIMULATOR_PATH),
        **config.environment,
    }
    # Refunds finish a moment after they are asked for, as WeChat Pay's do.
    simulator = SimulatorState.from_keys(keys, auto_complete_refunds=True)
    app: FastAPI = create_embedded_app(
        config, mounts={SIMULATOR_PATH: lambda verifier: create_app(simulator, verifier)}
    )
    app.state.simulator = simulator
    return app


def main() -> None:
    config = arguments(__doc__)
    serve(config, create_dev_app(config))


if __name__ == "__main__":
    main()
