from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from certificate.photos.models import HolderPhoto
from skillcert.readmodel import upsert_newer


class PhotoRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, application_id: UUID) -> HolderPhoto | None:
        return await self.session.get(HolderPhoto, application_id)

    async def remember(self, values: dict[str, Any]) -> bool:
        """A resubmission replaces the photo kept; an older revision arriving late does not."""
        return await upsert_newer(self.session, HolderPhoto, values, version="revision")
