from sqlalchemy.ext.asyncio import AsyncSession

from exam_scheduling.context import context
from exam_scheduling.tickets.service import TicketService
from skillcert.events import ApplicationResubmitted, ApplicationSubmitted


async def on_application_filed(
    session: AsyncSession, event: ApplicationSubmitted | ApplicationResubmitted
) -> None:
    ctx = context(session)
    await TicketService(session, ctx.settings, ctx.storage).remember_photo(event)
