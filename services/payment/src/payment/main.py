"""The payment service: exam-fee orders paid by WeChat Pay Native QR codes, signed webhooks,
expiry with lost-webhook recovery, refunds (queried when their notification is lost), daily
reconciliation with the trade bill, institution payment requests paid offline. WeChat Pay is
reached over HTTP at `provider_base_url` (in development a simulator outside this package)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import APIRouter, FastAPI

from payment.applications import models as _applications_models  # noqa: F401  (register tables)
from payment.base import Base
from payment.config import PaymentSettings
from payment.context import Context, PaymentResources
from payment.orders import models as _orders_models  # noqa: F401
from payment.orders.jobs import EXPIRY_JOB
from payment.orders.router import router as orders_router
from payment.orders.webhook import router as webhook_router
from payment.payment_requests import models as _requests_models  # noqa: F401
from payment.payment_requests.router import router as payment_requests_router
from payment.plans import models as _plans_models  # noqa: F401
from payment.reconciliation import models as _reconciliation_models  # noqa: F401
from payment.reconciliation.jobs import RECONCILIATION_JOB
from payment.reconciliation.router import router as reconciliation_router
from payment.refunds import models as _refunds_models  # noqa: F401
from payment.refunds.jobs import REFUND_JOB, REFUND_QUERY_JOB
from payment.subscriptions import HANDLERS
from payment.wechat import build_wechatpay
from skillcert.crypto import EncryptedColumn, reencryption_job
from skillcert.service import ServiceSpec, SharedInfra, create_service_app

MIGRATIONS = Path(__file__).parent / "migrations"


@asynccontextmanager
async def lifespan(ctx: Context) -> AsyncIterator[PaymentResources]:
    wechatpay = build_wechatpay(ctx.settings)
    try:
        yield PaymentResources(wechatpay)
    finally:
        await wechatpay.aclose()


#: moves encrypted ID numbers to the active key after a rotation (docs/security.md)
PII_JOB = reencryption_job(
    [
        EncryptedColumn("payable_applications", "id_number", "application_id"),
        EncryptedColumn("payment_request_items", "id_number"),
    ]
)


def build_spec(
    settings: PaymentSettings | None = None,
) -> ServiceSpec[PaymentSettings, PaymentResources]:
    settings = settings or PaymentSettings()
    routers: list[APIRouter] = [
        orders_router,
        webhook_router,
        payment_requests_router,
        reconciliation_router,
    ]
    jobs = [EXPIRY_JOB, REFUND_JOB, REFUND_QUERY_JOB, PII_JOB]
    if settings.reconciliation_enabled:
        jobs.append(RECONCILIATION_JOB)
    return ServiceSpec(
        name="payment",
        title="payment",
        settings=settings,
        metadata=Base.metadata,
        migrations=MIGRATIONS,
        routers=routers,
        handlers=HANDLERS,
        lifespan=lifespan,
        jobs=jobs,
    )


def create_app(shared: SharedInfra | None = None) -> FastAPI:
    return create_service_app(build_spec(), shared)
