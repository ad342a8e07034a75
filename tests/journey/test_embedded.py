"""The whole journey in embedded mode: one process, SQLite, the in-process bus, local files."""

import asyncio
import socket
from pathlib import Path

import httpx
import pytest
import uvicorn
from journey import Journey

from skillcert_embedded.app import EmbeddedConfig, create_embedded_app

pytestmark = pytest.mark.journey


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_journey_in_embedded_mode(tmp_path: Path):
    config = EmbeddedConfig(
        data_dir=tmp_path / "embedded",
        port=free_port(),
        demo_password="Journey-Staff-2026",
        retry_delays_ms=(200, 500, 1000),
    )
    app = create_embedded_app(config)
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=config.port, log_config=None, lifespan="on")
    )
    task = asyncio.create_task(server.serve())
    try:
        while not server.started:
            assert not task.done(), "embedded server failed to start"
            await asyncio.sleep(0.05)
        async with httpx.AsyncClient(base_url=config.base_url, timeout=30) as client:
            journey = Journey(client, config.demo_password or "", fresh_bus=True)
            await journey.run()
        assert (config.data_dir / "bus.db").exists()
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 30)
