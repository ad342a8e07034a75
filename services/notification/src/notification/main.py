"""The notification service: templates, SMS and in-app delivery with retries, the bell."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI

from notification.base import Base
from notification.config import NotificationSettings
from notification.context import Context, NotificationResources
from notification.mail.factory import build_mailer
from notification.messages import models as _messages_models  # noqa: F401  (register tables)
from notification.messages.jobs import SMS_JOB
from notification.messages.router import dev_router
from notification.messages.router import router as messages_router
from notification.messages.service import seed_templates
from notification.plans import models as _plans_models  # noqa: F401
from notification.sms.factory import build_sender
from notification.sms.receipts import router as receipts_router
from notification.subscriptions import HANDLERS
from skillcert.crypto import EncryptedColumn, reencryption_job
from skillcert.db import transaction
from skillcert.service import ServiceSpec, SharedInfra, create_service_app

MIGRATIONS = Path(__file__).parent / "migrations"


async def seed(ctx: Context) -> None:
    async with transaction(ctx.sessionmaker) as session:
        await seed_templates(session)


@asynccontextmanager
async def lifespan(ctx: Context) -> AsyncIterator[NotificationResources]:
    await seed(ctx)
    sms = build_sender(ctx.settings)
    try:
        yield NotificationResources(sms=sms, mail=build_mailer(ctx.settings))
    finally:
        await sms.aclose()


#: moves encrypted personal values to the active key after a rotation (docs/security.md)
PII_JOB = reencryption_job(
    [
        EncryptedColumn("contacts", "phone", "account_id"),
        EncryptedColumn("sms_deliveries", "phone"),
    ]
)


def build_spec(
    settings: NotificationSettings | None = None,
) -> ServiceSpec[NotificationSettings, NotificationResources]:
    settings = settings or NotificationSettings()
    routers = [messages_router, receipts_router]
    if settings.shows_dev_sms_outbox:
        routers.append(dev_router)
    return ServiceSpec(
        name="notification",
        title="notification",
        settings=settings,
        metadata=Base.metadata,
        migrations=MIGRATIONS,
        routers=routers,
        handlers=HANDLERS,
        lifespan=lifespan,
        jobs=[SMS_JOB, PII_JOB],
    )


def create_app(shared: SharedInfra | None = None) -> FastAPI:
    return create_service_app(build_spec(), shared)
