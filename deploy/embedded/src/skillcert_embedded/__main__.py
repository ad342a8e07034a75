"""`make run`: skillcert in one process on http://127.0.0.1:8000 with demo data."""

from __future__ import annotations

import argparse
import asyncio
import logging
from pathlib import Path

import uvicorn

from skillcert.telemetry import configure_logging
from skillcert_embedded.app import EmbeddedConfig, create_embedded_app
from skillcert_embedded.demo import seed_demo


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", default="var/embedded")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()

    configure_logging("skillcert-embedded", "INFO", json_logs=False)
    config = EmbeddedConfig(data_dir=Path(args.data_dir), host=args.host, port=args.port)
    app = create_embedded_app(config)
    server = uvicorn.Server(
        uvicorn.Config(app, host=config.host, port=config.port, log_config=None)
    )

    async def serve() -> None:
        task = asyncio.create_task(server.serve())
        while not server.started:
            if task.done():
                await task
                return
            await asyncio.sleep(0.1)
        assert config.demo_password is not None
        try:
            await seed_demo(config.base_url, config.demo_password)
        except Exception:
            logging.getLogger("skillcert.demo").exception("demo data could not be created")
        print(f"\nskillcert is running on {config.base_url}  (API docs: {config.base_url}/docs)")
        if config.demo_password_is_new:
            print(
                "demo staff accounts (shown once; kept in "
                f"{config.data_dir / 'demo-password'}): org.admin, org.reviewer, inst.admin, "
                f"inst.head, province.admin, ops — password: {config.demo_password}"
            )
        await task

    asyncio.run(serve())


if __name__ == "__main__":
    main()
