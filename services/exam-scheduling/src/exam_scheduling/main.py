"""The exam-scheduling service: occupations and levels, exam plans, sites and rooms, seat
allocation and admission tickets (准考证)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI

from exam_scheduling.allocations import models as _allocations_models  # noqa: F401  (tables)
from exam_scheduling.allocations.router import router as allocations_router
from exam_scheduling.arrangements.router import router as arrangements_router
from exam_scheduling.base import Base
from exam_scheduling.catalogue import models as _catalogue_models  # noqa: F401
from exam_scheduling.catalogue.router import router as catalogue_router
from exam_scheduling.catalogue.service import seed_catalogue
from exam_scheduling.checkin import models as _checkin_models  # noqa: F401
from exam_scheduling.checkin.jobs import CLOSE_JOB
from exam_scheduling.checkin.router import router as checkin_router
from exam_scheduling.config import ExamSchedulingSettings
from exam_scheduling.context import Context
from exam_scheduling.invigilation import models as _invigilation_models  # noqa: F401
from exam_scheduling.invigilation.router import router as invigilation_router
from exam_scheduling.plans import models as _plans_models  # noqa: F401
from exam_scheduling.plans.router import router as plans_router
from exam_scheduling.printouts.router import router as printouts_router
from exam_scheduling.sites import models as _sites_models  # noqa: F401
from exam_scheduling.sites.router import router as sites_router
from exam_scheduling.subjects import models as _subjects_models  # noqa: F401
from exam_scheduling.subjects.router import router as subjects_router
from exam_scheduling.subscriptions import HANDLERS
from exam_scheduling.tickets import models as _tickets_models  # noqa: F401
from exam_scheduling.tickets.router import router as tickets_router
from skillcert.crypto import EncryptedColumn, reencryption_job
from skillcert.db import transaction
from skillcert.service import ServiceSpec, SharedInfra, create_service_app

MIGRATIONS = Path(__file__).parent / "migrations"


async def seed(ctx: Context) -> None:
    """Startup hook: the seeded occupations and levels exist in every installation."""
    async with transaction(ctx.sessionmaker) as session:
        await seed_catalogue(session)


@asynccontextmanager
async def lifespan(ctx: Context) -> AsyncIterator[None]:
    await seed(ctx)
    yield


#: moves encrypted personal values to the active key after a rotation (docs/security.md)
PII_JOB = reencryption_job(
    [
        EncryptedColumn("approved_candidates", "id_number", "application_id"),
        EncryptedColumn("sites", "contact_phone"),
    ]
)


def build_spec(
    settings: ExamSchedulingSettings | None = None,
) -> ServiceSpec[ExamSchedulingSettings]:
    return ServiceSpec(
        name="exam-scheduling",
        title="exam-scheduling",
        settings=settings or ExamSchedulingSettings(),
        metadata=Base.metadata,
        migrations=MIGRATIONS,
        routers=[
            catalogue_router,
            plans_router,
            sites_router,
            subjects_router,
            allocations_router,
            tickets_router,
            printouts_router,
            invigilation_router,
            checkin_router,
            arrangements_router,
        ],
        jobs=[CLOSE_JOB, PII_JOB],
        handlers=HANDLERS,
        lifespan=lifespan,
    )


def create_app(shared: SharedInfra | None = None) -> FastAPI:
    return create_service_app(build_spec(), shared)
