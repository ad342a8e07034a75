from __future__ import annotations

from uuid import UUID

from sqlalchemy import bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from registration.documents.models import Document
from registration.documents.rules import DocumentStatus

#: On the submit path: built once, so neither the statement nor its cache key is rebuilt per call.
_ACCEPTED = (
    select(Document)
    .where(
        Document.application_id == bindparam("b_application_id"),
        Document.status == DocumentStatus.ACCEPTED,
    )
    .order_by(Document.kind)
)


class DocumentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, document: Document) -> None:
        self.session.add(document)

    async def get(self, application_id: UUID, document_id: UUID) -> Document | None:
        query = select(Document).where(
            Document.id == document_id, Document.application_id == application_id
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def by_id(self, document_id: UUID) -> Document | None:
        return await self.session.get(Document, document_id)

    async def accepted(self, application_id: UUID) -> list[Document]:
        result = await self.session.execute(_ACCEPTED, {"b_application_id": application_id})
        return list(result.scalars())

    async def accepted_of_kind(self, application_id: UUID, kind: str) -> Document | None:
        query = select(Document).where(
            Document.application_id == application_id,
            Document.kind == kind,
            Document.status == DocumentStatus.ACCEPTED,
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def current(self, application_id: UUID) -> list[Document]:
        """Every document but the superseded ones, oldest first."""
        query = (
            select(Document)
            .where(
                Document.application_id == application_id,
                Document.status != DocumentStatus.SUPERSEDED,
            )
            .order_by(Document.created_at, Document.id)
        )
        return list((await self.session.execute(query)).scalars())

    async def count(self, application_id: UUID) -> int:
        query = (
            select(func.count())
            .select_from(Document)
            .where(Document.application_id == application_id)
        )
        return int((await self.session.execute(query)).scalar_one())
