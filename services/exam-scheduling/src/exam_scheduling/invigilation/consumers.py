from sqlalchemy.ext.asyncio import AsyncSession

from exam_scheduling.invigilation.service import InvigilationService
from skillcert.events import AccountRegistered


async def on_account_registered(session: AsyncSession, event: AccountRegistered) -> None:
    """Invigilator and inspector accounts made at the gateway become assignable here."""
    await InvigilationService(session).remember_account(event)
