from sqlalchemy.ext.asyncio import AsyncSession

from registration.quotas.service import QuotaService
from skillcert.events import PilotApproved


async def on_pilot_approved(session: AsyncSession, event: PilotApproved) -> None:
    """证书试点申报审批通过: the institution's quota for the certificate and year."""
    await QuotaService(session).remember(event)
