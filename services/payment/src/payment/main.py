"""The payment service: exam-fee orders paid by WeChat Pay Native QR codes, signed webhooks,
expiry with lost-webhook recovery, refunds (queried when their notification is lost), daily
reconciliation with the trade bill, institution payment requests paid offline. WeChat Pay is
reached over HTTP at `provider_base_url` (in development a simulator outside this package)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from fastapi import APIRouter, FastAPI

from payment.applications import models as _applications_models  # noqa: F401  (register tables)
from payment.base import Base
from payment.config import PaymentSettings
from payment.orders import models as _orders_models  # noqa: F401
from payment.orders.jobs import expiry_loop
from payment.orders.router import router as orders_router
from payment.orders.webhook import router as webhook_router
from payment.payment_requests import models as _requests_models  # noqa: F401
from payment.payment_requests.router import router as payment_requests_router
from payment.plans import models as _plans_models  # noqa: F401
from payment.reconciliation import models as _reconciliation_models  # noqa: F401
from payment.reconciliation.jobs import reconciliation_loop
from payment.reconciliation.router import router as reconciliation_router
from payment.refunds import models as _refunds_models  # noqa: F401
from payment.refunds.jobs import refund_loop, refund_query_loop
from payment.subscriptions import HANDLERS
from payment.wechat import EXTRAS_KEY, build_wechatpay, wechatpay_of
from skillcert.service import ServiceContext, ServiceSpec, SharedInfra, create_service_app

MIGRATIONS = Path(__file__).parent / "migrations"


async def _start_provider(ctx: ServiceContext) -> None:
    settings = ctx.settings
    assert isinstance(settings, PaymentSettings)
    ctx.extras[EXTRAS_KEY] = build_wechatpay(settings)


async def _close_provider_on_shutdown(ctx: ServiceContext) -> None:
    # Background jobs are the only hook cancelled at shutdown: this one just waits for it.
    try:
        await asyncio.Event().wait()
    finally:
        await wechatpay_of(ctx).aclose()


def build_spec(settings: PaymentSettings | None = None) -> ServiceSpec:
    settings = settings or PaymentSettings()
    routers: list[APIRouter] = [
        orders_router,
        webhook_router,
        payment_requests_router,
        reconciliation_router,
    ]
    background = [expiry_loop, refund_loop, refund_query_loop, _close_provider_on_shutdown]
    if settings.reconciliation_enabled:
        background.append(reconciliation_loop)
    return ServiceSpec(
        name="payment",
        title="payment",
        settings=settings,
        metadata=Base.metadata,
        migrations=MIGRATIONS,
        routers=routers,
        handlers=HANDLERS,
        on_startup=[_start_provider],
        background=background,
    )


def create_app(shared: SharedInfra | None = None) -> FastAPI:
    return create_service_app(build_spec(), shared)
