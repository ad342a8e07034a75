"""skillcert in one process on http://127.0.0.1:8000 (SQLite, the in-process bus, local files).

``python -m skillcert_embedded`` runs the profile of ``SKILLCERT_PROFILE`` (production unless
set), with payment's provider from ``PAYMENT_*``. ``make run`` is the try-it mode instead
(``skillcert_devtools.run``): development profile, the WeChat Pay simulator, demo data."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
from pathlib import Path

import uvicorn
from fastapi import FastAPI

from skillcert.serving import server_config
from skillcert.settings import Profile
from skillcert.telemetry import configure_logging
from skillcert_embedded.app import EmbeddedConfig, create_embedded_app
from skillcert_embedded.demo import seed_demo


def arguments(description: str | None) -> EmbeddedConfig:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--data-dir", default="var/embedded")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    return EmbeddedConfig(data_dir=Path(args.data_dir), host=args.host, port=args.port)


def serve(config: EmbeddedConfig, app: FastAPI) -> None:
    """Serve until interrupted; in the development profile create the demo data first."""
    configure_logging("skillcert-embedded", "INFO", json_logs=False)
    server = uvicorn.Server(server_config(app, config.host, config.port))

    async def run() -> None:
        task = asyncio.create_task(server.serve())
        while not server.started:
            if task.done():
                await task
                return
            await asyncio.sleep(0.1)
        if config.profile is Profile.DEV and config.demo_password is not None:
            try:
                await seed_demo(config.base_url, config.demo_password)
            except Exception:
                logging.getLogger("skillcert.demo").exception("demo data could not be created")
        print(f"\nskillcert is running on {config.base_url}  (API docs: {config.base_url}/docs)")
        if config.demo_password_is_new:
            print(
                "demo staff accounts (shown once; kept in "
                f"{config.data_dir / 'demo-password'}): org.admin, org.reviewer, inst.admin, "
                f"inst.head, province.admin, province.js, pilot.admin (a pilot institution with a "
                f"quota), inv.demo (监考), insp.demo (巡考), ops — password: {config.demo_password}"
            )
        await task

    asyncio.run(run())


def main() -> None:
    config = arguments(__doc__)
    config.profile = Profile(os.environ.get("SKILLCERT_PROFILE", Profile.PROD.value))
    serve(config, create_embedded_app(config))


if __name__ == "__main__":
    main()
