"""The review service: the review queue (审核), automatic pre-checks, reviewer decisions with
reasons and the audit trail."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from review.base import Base
from review.cases import models as _cases_models  # noqa: F401  (register tables)
from review.cases.router import router as cases_router
from review.config import ReviewSettings
from review.plans import models as _plans_models  # noqa: F401
from review.subscriptions import HANDLERS
from skillcert.crypto import EncryptedColumn, reencryption_job
from skillcert.service import ServiceSpec, SharedInfra, create_service_app

MIGRATIONS = Path(__file__).parent / "migrations"


#: moves encrypted personal values to the active key after a rotation (docs/security.md)
PII_JOB = reencryption_job(
    [
        EncryptedColumn("review_cases", "id_number"),
        EncryptedColumn("review_cases", "phone"),
    ]
)


def build_spec(settings: ReviewSettings | None = None) -> ServiceSpec[ReviewSettings]:
    return ServiceSpec(
        name="review",
        title="review",
        settings=settings or ReviewSettings(),
        metadata=Base.metadata,
        migrations=MIGRATIONS,
        routers=[cases_router],
        handlers=HANDLERS,
        jobs=[PII_JOB],
    )


def create_app(shared: SharedInfra | None = None) -> FastAPI:
    return create_service_app(build_spec(), shared)
