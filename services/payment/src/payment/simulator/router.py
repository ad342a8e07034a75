"""Mounts the WeChat Pay simulator under /api/v1/payment/simulator (dev/test only), so the
gateway proxies it like any payment route. The scan-and-pay control endpoint is therefore
POST /api/v1/payment/simulator/simulator/scan-and-pay {"out_trade_no": ...}."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import JSONResponse
from starlette.types import Receive, Scope, Send

from payment.context import Context

PREFIX = "/api/v1/payment/simulator"


class SimulatorMount:
    """Hands requests to the simulator app built at start-up (the keys only exist then)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        app = scope["app"]
        ctx: Context = app.state.ctx
        channel = ctx.resources.wechatpay
        if channel.simulator_app is None:
            response = JSONResponse(
                {"title": "资源不存在", "status": 404},
                status_code=404,
                media_type="application/problem+json",
            )
            await response(scope, receive, send)
            return
        channel.host.app = app
        await channel.simulator_app(scope, receive, send)


def simulator_router() -> APIRouter:
    router = APIRouter()
    router.mount(PREFIX, SimulatorMount())
    return router
