"""Serve an ASGI app on a free loopback port inside the running event loop, so tests talk to
the simulator over real HTTP, as the payment service talks to WeChat Pay."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn
from starlette.types import ASGIApp


@asynccontextmanager
async def serve(app: ASGIApp, host: str = "127.0.0.1") -> AsyncIterator[str]:
    """Yield the base URL while uvicorn serves ``app`` (lifespan included) on ``host``."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        port = int(sock.getsockname()[1])
    server = uvicorn.Server(
        uvicorn.Config(app, host=host, port=port, log_config=None, lifespan="on")
    )
    task = asyncio.create_task(server.serve())
    try:
        while not server.started:
            if task.done():
                await task
                raise RuntimeError("the server stopped while starting")
            await asyncio.sleep(0.02)
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 10)
