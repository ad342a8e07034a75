"""The services behind the gateway: one pooled HTTP client per upstream for the process."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping
from typing import Any

import httpx

log = logging.getLogger("gateway.routing")


class Upstreams:
    def __init__(
        self,
        urls: Mapping[str, str],
        transports: Mapping[str, httpx.AsyncBaseTransport] | None = None,
        timeout_s: float = 30.0,
    ) -> None:
        transports = transports or {}
        self.clients: dict[str, httpx.AsyncClient] = {}
        # A service reachable only through an injected transport (embedded mode) still needs
        # a base URL; its host is never resolved.
        for service in [*urls, *(s for s in transports if s not in urls)]:
            self.clients[service] = httpx.AsyncClient(
                base_url=urls.get(service, f"http://{service}.internal"),
                transport=transports.get(service),
                timeout=timeout_s,
                follow_redirects=False,
            )
        self._merged: tuple[float, dict[str, Any]] | None = None

    def client(self, service: str) -> httpx.AsyncClient | None:
        return self.clients.get(service)

    async def openapi_documents(self, timeout_s: float = 5.0) -> dict[str, dict[str, Any] | None]:
        """Each service's own OpenAPI document, None where it could not be fetched."""

        async def fetch(service: str, client: httpx.AsyncClient) -> dict[str, Any] | None:
            try:
                response = await client.get(f"/api/v1/{service}/openapi.json", timeout=timeout_s)
                response.raise_for_status()
                doc: dict[str, Any] = response.json()
                return doc
            except (httpx.HTTPError, ValueError) as exc:
                log.warning("OpenAPI document of %s unavailable: %r", service, exc)
                return None

        services = list(self.clients)
        docs = await asyncio.gather(*(fetch(s, self.clients[s]) for s in services))
        return dict(zip(services, docs, strict=True))

    def cached_merge(self, max_age_s: float) -> dict[str, Any] | None:
        if self._merged is not None and time.monotonic() - self._merged[0] < max_age_s:
            return self._merged[1]
        return None

    def remember_merge(self, doc: dict[str, Any]) -> None:
        self._merged = (time.monotonic(), doc)

    def forget_merge(self) -> None:
        self._merged = None

    async def aclose(self) -> None:
        for client in self.clients.values():
            await client.aclose()
