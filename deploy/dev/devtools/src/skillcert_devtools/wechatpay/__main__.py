"""Run the simulator on its own (``make stack`` starts it so, with a generated key set)."""

from __future__ import annotations

import uvicorn

from .app import SimulatorSettings, create_app


def main() -> None:
    # The required values come from the environment (WECHATPAY_SIM_*).
    settings = SimulatorSettings()
    app = create_app(settings.state(), settings.verifier())
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning")


if __name__ == "__main__":
    main()
