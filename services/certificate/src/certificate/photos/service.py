from __future__ import annotations

import logging
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from certificate.photos.repository import PhotoRepository
from certificate.photos.rules import PHOTO_MAX_BYTES, photo_of
from skillcert.errors import NotFound
from skillcert.events import ApplicationApproved, ApplicationResubmitted, ApplicationSubmitted
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
        await self.repo.remember(
            {
                "application_id": event.application_id,
                "object_key": photo.object_key,
                "content_type": photo.content_type,
                "revision": event.revision,
            }
        )

    async def remember_approved(self, event: ApplicationApproved) -> None:
        """An institution's 报考 carries the roster photo on the approval (no submission)."""
        if event.photo_key is None:
            return
        await self.repo.remember(
            {
                "application_id": event.application_id,
                "object_key": event.photo_key,
                "content_type": event.photo_content_type or "image/jpeg",
                "revision": event.revision,
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
