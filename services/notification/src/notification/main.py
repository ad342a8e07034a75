"""The notification service: templates, SMS and in-app delivery with retries, the bell."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from notification.base import Base
from notification.config import NotificationSettings
from notification.messages import models as _messages_models  # noqa: F401  (register tables)
from notification.messages.router import dev_router
from notification.messages.router import router as messages_router
from notification.messages.service import DevSmsGateway, seed_templates, sms_sender_loop
from notification.plans import models as _plans_models  # noqa: F401
from notification.subscriptions import HANDLERS
from skillcert.db import transaction
from skillcert.service import ServiceContext, ServiceSpec, SharedInfra, create_service_app

MIGRATIONS = Path(__file__).parent / "migrations"


async def _seed(ctx: ServiceContext) -> None:
    async with transaction(ctx.sessionmaker) as session:
        await seed_templates(session)


async def _send_sms(ctx: ServiceContext) -> None:
    settings = ctx.settings
    assert isinstance(settings, NotificationSettings)
    await sms_sender_loop(
        ctx.sessionmaker, DevSmsGateway(), settings.sms_max_attempts, settings.sms_poll_interval_s
    )


def build_spec(settings: NotificationSettings | None = None) -> ServiceSpec:
    settings = settings or NotificationSettings()
    routers = [messages_router]
    if settings.shows_dev_sms_outbox:
        routers.append(dev_router)
    return ServiceSpec(
        name="notification",
        title="notification",
        settings=settings,
        metadata=Base.metadata,
        migrations=MIGRATIONS,
        routers=[messages_router, dev_router]
        if settings.shows_dev_sms_outbox
        else [messages_router],
        handlers=HANDLERS,
        on_startup=[_seed],
        background=[_send_sms],
    )


def create_app(shared: SharedInfra | None = None) -> FastAPI:
    return create_service_app(build_spec(), shared)
