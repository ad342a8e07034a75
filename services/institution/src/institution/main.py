"""The institution service: the official institution directory, institution sign-up, base
info, province pilot plans and applications, decisions and yearly quotas (seed 003 ch. 1)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI

from institution.base import Base
from institution.config import InstitutionSettings
from institution.context import Context
from institution.directory import models as _directory_models  # noqa: F401  (register tables)
from institution.directory.router import router as directory_router
from institution.directory.service import load_directory_file
from institution.heads import models as _heads_models  # noqa: F401
from institution.heads.router import router as heads_router
from institution.pilot import models as _pilot_models  # noqa: F401
from institution.pilot.router import router as pilot_router
from institution.profile import models as _profile_models  # noqa: F401
from institution.profile.router import router as profile_router
from institution.signup import models as _signup_models  # noqa: F401
from institution.signup.router import router as signup_router
from institution.subscriptions import HANDLERS
from skillcert.crypto import EncryptedColumn, reencryption_job
from skillcert.service import ServiceSpec, SharedInfra, create_service_app

MIGRATIONS = Path(__file__).parent / "migrations"


async def seed(ctx: Context) -> None:
    if ctx.settings.directory_csv is not None:
        await load_directory_file(ctx.sessionmaker, ctx.settings.directory_csv)


@asynccontextmanager
async def lifespan(ctx: Context) -> AsyncIterator[None]:
    await seed(ctx)
    yield


#: moves encrypted personal values to the active key after a rotation (docs/security.md)
PII_JOB = reencryption_job(
    [
        EncryptedColumn("institution_heads", "phone", "institution_code"),
        EncryptedColumn("head_replacements", "new_head_phone"),
        EncryptedColumn("institution_profiles", "contact_phone", "institution_code"),
    ]
)


def build_spec(settings: InstitutionSettings | None = None) -> ServiceSpec[InstitutionSettings]:
    return ServiceSpec(
        name="institution",
        title="institution",
        settings=settings or InstitutionSettings(),
        metadata=Base.metadata,
        migrations=MIGRATIONS,
        routers=[directory_router, signup_router, heads_router, profile_router, pilot_router],
        handlers=HANDLERS,
        jobs=[PII_JOB],
        lifespan=lifespan,
    )


def create_app(shared: SharedInfra | None = None) -> FastAPI:
    return create_service_app(build_spec(), shared)
