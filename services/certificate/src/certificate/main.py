"""The certificate service: issuance records, dual signing, signed e-certificate PDFs,
numbering, public verification and revocation (证书发放与查验)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI

from certificate.base import Base
from certificate.certificates import models as _certificates_models  # noqa: F401 (tables)
from certificate.certificates.router import router as certificates_router
from certificate.config import CertificateSettings
from certificate.context import Context
from certificate.credentials import models as _credentials_models  # noqa: F401
from certificate.credentials.router import router as credentials_router
from certificate.identities import models as _identities_models  # noqa: F401
from certificate.identities.keystore import keystore_for
from certificate.identities.service import IdentityService
from certificate.photos import models as _photos_models  # noqa: F401
from certificate.plans import models as _plans_models  # noqa: F401
from certificate.stamps import models as _stamps_models  # noqa: F401
from certificate.stamps.router import router as stamps_router
from certificate.subscriptions import HANDLERS
from skillcert.crypto import EncryptedColumn, reencryption_job
from skillcert.db import transaction
from skillcert.service import ServiceSpec, SharedInfra, create_service_app

MIGRATIONS = Path(__file__).parent / "migrations"


async def ensure_identities(ctx: Context) -> None:
    """Load and check the configured signing keys, so that the prod profile refuses to start
    without usable ones (SigningConfigError); dev/test: make the dev CA now rather than on the
    first signature."""
    keystore_for(ctx.settings)
    async with transaction(ctx.sessionmaker) as session:
        identities = IdentityService(session, ctx.settings)
        if identities.may_generate:
            await identities.ca()


@asynccontextmanager
async def lifespan(ctx: Context) -> AsyncIterator[None]:
    await ensure_identities(ctx)
    yield


#: moves encrypted personal values to the active key after a rotation (docs/security.md)
PII_JOB = reencryption_job(
    [
        EncryptedColumn("certificates", "id_number"),
    ]
)


def build_spec(settings: CertificateSettings | None = None) -> ServiceSpec[CertificateSettings]:
    return ServiceSpec(
        name="certificate",
        title="certificate",
        settings=settings or CertificateSettings(),
        metadata=Base.metadata,
        migrations=MIGRATIONS,
        routers=[certificates_router, stamps_router, credentials_router],
        handlers=HANDLERS,
        jobs=[PII_JOB],
        lifespan=lifespan,
    )


def create_app(shared: SharedInfra | None = None) -> FastAPI:
    return create_service_app(build_spec(), shared)
