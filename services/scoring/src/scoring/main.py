"""The scoring service: subject scores, publicity (公示), corrections, lock, certificate results."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from scoring.base import Base
from scoring.config import ScoringSettings
from scoring.plans import models as _plans_models  # noqa: F401  (register tables)
from scoring.roster import models as _roster_models  # noqa: F401
from scoring.scores import models as _scores_models  # noqa: F401
from scoring.scores.jobs import LOCK_JOB
from scoring.scores.router import router as scores_router
from scoring.subscriptions import HANDLERS
from skillcert.crypto import EncryptedColumn, reencryption_job
from skillcert.service import ServiceSpec, SharedInfra, create_service_app

MIGRATIONS = Path(__file__).parent / "migrations"


#: moves encrypted personal values to the active key after a rotation (docs/security.md)
PII_JOB = reencryption_job(
    [
        EncryptedColumn("roster", "id_number", "application_id"),
    ]
)


def build_spec(settings: ScoringSettings | None = None) -> ServiceSpec[ScoringSettings]:
    return ServiceSpec(
        name="scoring",
        title="scoring",
        settings=settings or ScoringSettings(),
        metadata=Base.metadata,
        migrations=MIGRATIONS,
        routers=[scores_router],
        handlers=HANDLERS,
        jobs=[LOCK_JOB, PII_JOB],
    )


def create_app(shared: SharedInfra | None = None) -> FastAPI:
    return create_service_app(build_spec(), shared)
