from sqlalchemy.ext.asyncio import AsyncSession

from certificate.context import context
from certificate.photos.service import PhotoService
from skillcert.events import ApplicationApproved, ApplicationResubmitted, ApplicationSubmitted


async def on_application_filed(
    session: AsyncSession, event: ApplicationSubmitted | ApplicationResubmitted
) -> None:
    await PhotoService(session, context(session).storage).remember(event)


async def on_application_approved(session: AsyncSession, event: ApplicationApproved) -> None:
    await PhotoService(session, context(session).storage).remember_approved(event)
