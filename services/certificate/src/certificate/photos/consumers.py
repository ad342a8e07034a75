from sqlalchemy.ext.asyncio import AsyncSession

from certificate.context import context
from certificate.photos.service import PhotoService
from skillcert.events import ApplicationResubmitted, ApplicationSubmitted, EntryRegistered

#: 报考 has no review and no resubmission: the registration is its one and only revision.
ENTRY_REVISION = 1


async def on_application_filed(
    session: AsyncSession, event: ApplicationSubmitted | ApplicationResubmitted
) -> None:
    await PhotoService(session, context(session).storage).remember(event)


async def on_entry_registered(session: AsyncSession, event: EntryRegistered) -> None:
    """报考: the roster's checked photo, for the certificate of the entry's student."""
    if event.photo_key is None or event.photo_content_type is None:
        return
    await PhotoService(session, context(session).storage).keep(
        event.entry_id, event.photo_key, event.photo_content_type, ENTRY_REVISION
    )
