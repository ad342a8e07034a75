"""The gateway's context: its settings and what it builds at startup, typed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated

from fastapi import Depends

from gateway.config import GatewaySettings
from skillcert.service import ContextAccess, ServiceContext

if TYPE_CHECKING:
    from gateway.accounts.service import IdentityKit
    from gateway.ratelimits.limiter import RateLimiter
    from gateway.routing.upstreams import Upstreams


@dataclass
class GatewayResources:
    """Built once per process by `gateway.main.lifespan`, released at shutdown."""

    identity: IdentityKit
    limiter: RateLimiter
    upstreams: Upstreams


Context = ServiceContext[GatewaySettings, GatewayResources]
context = ContextAccess[GatewaySettings, GatewayResources]()
CurrentContext = Annotated[Context, Depends(context.of_request)]
