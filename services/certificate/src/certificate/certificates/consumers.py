from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from certificate.certificates.service import CertificateService
from certificate.context import context
from skillcert.events import ResultDetermined


async def on_result_determined(session: AsyncSession, event: ResultDetermined) -> None:
    ctx = context(session)
    await CertificateService(session, ctx.settings, ctx.storage).record_result(event)
