from __future__ import annotations

import logging
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from certificate.photos.repository import PhotoRepository
from certificate.photos.rules import PHOTO_MAX_BYTES, photo_of
from skillcert.errors import NotFound
from skillcert.events import ApplicationResubmitted, ApplicationSubmitted
from skillcert.storage import ObjectStore, TooLarge

log = logging.getLogger(__name__)


class PhotoService:
    def __init__(self, session: AsyncSession, storage: ObjectStore) -> None:
        self.repo = PhotoRepository(session)
        self.storage = storage

    async def remember(self, event: ApplicationSubmitted | ApplicationResubmitted) -> None:
        photo = photo_of(event.documents)
        if photo is None:
            return
        await self.keep(event.application_id, photo.object_key, photo.content_type, event.revision)

    async def keep(
        self, application_id: UUID, object_key: str, content_type: str, revision: int
    ) -> None:
        """The holder's photo: an application's ID photo or, for a 报考 entry (registration
        .entry.registered, the entry standing for the application), the roster's checked
        photo (考生照片). The newest revision wins."""
        await self.repo.remember(
            {
                "application_id": application_id,
                "object_key": object_key,
                "content_type": content_type,
                "revision": revision,
            }
        )

    async def image_for(self, application_id: UUID) -> bytes | None:
        """The photo's bytes, or None: a certificate is issued with an empty photo box rather
        than not at all when the photo is unknown or gone from storage."""
        photo = await self.repo.get(application_id)
        if photo is None:
            return None
        try:
            return await self.storage.get(photo.object_key, max_bytes=PHOTO_MAX_BYTES)
        except (NotFound, TooLarge):
            log.warning(
                "photo of application %s unreadable at %s", application_id, photo.object_key
            )
            return None
