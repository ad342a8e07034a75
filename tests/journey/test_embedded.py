"""The whole journey in embedded mode as `make run` starts it: one process, SQLite, the
in-process bus, local files, the development profile with the WeChat Pay simulator."""

import asyncio
import socket
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
import pytest
import uvicorn
from journey import Journey

from skillcert_devtools.run import SIMULATOR_PATH, create_dev_app
from skillcert_embedded.app import EmbeddedConfig

pytestmark = pytest.mark.journey


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_journey_in_embedded_mode(tmp_path: Path):
    await run_embedded(tmp_path, Journey.run)


async def test_a_paid_candidate_withdraws_and_is_refunded_in_embedded_mode(tmp_path: Path):
    await run_embedded(tmp_path, Journey.run_withdrawal)


async def test_an_institution_signs_up_in_embedded_mode(tmp_path: Path):
    await run_embedded(tmp_path, Journey.run_institution_sign_up)


async def run_embedded(tmp_path: Path, steps: Callable[[Journey], Awaitable[None]]) -> None:
    config = EmbeddedConfig(
        data_dir=tmp_path / "embedded",
        port=free_port(),
        demo_password="Journey-Staff-2026",
        retry_delays_ms=(200, 500, 1000),
    )
    app = create_dev_app(config)
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=config.port, log_config=None, lifespan="on")
    )
    task = asyncio.create_task(server.serve())
    try:
        while not server.started:
            assert not task.done(), "embedded server failed to start"
            await asyncio.sleep(0.05)
        async with httpx.AsyncClient(base_url=config.base_url, timeout=30) as client:
            journey = Journey(
                client,
                config.demo_password or "",
                config.base_url + SIMULATOR_PATH,
                fresh_bus=True,
            )
            await steps(journey)
        assert (config.data_dir / "bus.db").exists()
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 30)
