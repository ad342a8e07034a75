"""How every skillcert process is served by uvicorn, in one place.

uvicorn by default rewrites the client address from X-Forwarded-For for any caller on the
loopback (FORWARDED_ALLOW_IPS, default 127.0.0.1): one process on the same host, or a caller
reaching it through a local port-forward, could then pick its own address and so its own
per-IP rate-limit bucket. Our processes never let uvicorn do that; the gateway decides itself,
from the proxies the operator names (GATEWAY_TRUSTED_PROXIES, default none).
"""

from __future__ import annotations

from typing import Any

import uvicorn

# Command-line form of `server_config`, for processes started as `uvicorn --factory …`.
UVICORN_FLAGS: tuple[str, ...] = ("--no-proxy-headers", "--no-server-header")


def server_config(app: Any, host: str, port: int, **options: Any) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_config=None,
        proxy_headers=False,
        server_header=False,
        **options,
    )
