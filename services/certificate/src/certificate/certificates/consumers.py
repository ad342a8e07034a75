from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from certificate.certificates.service import CertificateService
from certificate.config import CertificateSettings
from skillcert.events import ResultDetermined
from skillcert.service import context_of


async def on_result_determined(session: AsyncSession, event: ResultDetermined) -> None:
    ctx = context_of(session)
    settings = ctx.settings
    assert isinstance(settings, CertificateSettings)
    await CertificateService(session, settings, ctx.storage).record_result(event)
