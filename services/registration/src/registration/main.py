"""The registration service: candidates' applications (报名) and their materials, over a read
model of the exam plans open for registration; the institutions' student rosters (考生管理),
their quotas (指标) and their registering students for exams within them (报考)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from registration.applications import models as _applications_models  # noqa: F401  (tables)
from registration.applications.jobs import FORFEIT_JOB
from registration.applications.router import router as applications_router
from registration.base import Base
from registration.config import RegistrationSettings
from registration.documents import models as _documents_models  # noqa: F401
from registration.documents.router import router as documents_router
from registration.entries import models as _entries_models  # noqa: F401
from registration.entries.router import router as entries_router
from registration.forms.router import router as forms_router
from registration.plans import models as _plans_models  # noqa: F401
from registration.plans.router import router as plans_router
from registration.quotas import models as _quotas_models  # noqa: F401
from registration.quotas.router import router as quotas_router
from registration.roster import models as _roster_models  # noqa: F401
from registration.roster.router import router as roster_router
from registration.subscriptions import HANDLERS
from skillcert.crypto import EncryptedColumn, reencryption_job
from skillcert.service import ServiceSpec, SharedInfra, create_service_app

MIGRATIONS = Path(__file__).parent / "migrations"


#: moves encrypted ID numbers and phones to the active key after a rotation (docs/security.md)
PII_JOB = reencryption_job(
    [
        EncryptedColumn("applications", "id_number"),
        EncryptedColumn("applications", "mobile"),
        EncryptedColumn("exam_entries", "id_number"),
        EncryptedColumn("roster_students", "id_number"),
        EncryptedColumn("roster_students", "phone"),
    ]
)


def build_spec(
    settings: RegistrationSettings | None = None,
) -> ServiceSpec[RegistrationSettings]:
    return ServiceSpec(
        name="registration",
        title="registration",
        settings=settings or RegistrationSettings(),
        metadata=Base.metadata,
        migrations=MIGRATIONS,
        routers=[
            plans_router,
            forms_router,
            applications_router,
            documents_router,
            roster_router,
            quotas_router,
            entries_router,
        ],
        handlers=HANDLERS,
        jobs=[FORFEIT_JOB, PII_JOB],
    )


def create_app(shared: SharedInfra | None = None) -> FastAPI:
    return create_service_app(build_spec(), shared)
