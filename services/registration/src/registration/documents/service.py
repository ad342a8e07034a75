"""Application materials (证件材料): presigned uploads straight to object storage, then a check
of what really arrived before it counts."""

from __future__ import annotations

import logging
from datetime import timedelta
from uuid import UUID, uuid4

from sqlalchemy.ext.asyncio import AsyncSession

from registration.applications.service import load_editable, mark_edited
from registration.documents.models import Document
from registration.documents.repository import DocumentRepository
from registration.documents.rules import (
    DocumentKind,
    DocumentStatus,
    declared_problems,
    inspect,
    size_bounds,
    size_problem,
)
from registration.plans.rules import materials_of_any_condition
from skillcert.clock import utcnow
from skillcert.errors import Conflict, FieldError, InvalidInput, NotFound, RuleViolation
from skillcert.storage import ObjectStore, PresignedUpload

log = logging.getLogger("registration.documents")

# Generous, so a candidate re-uploading a blurred photo a few times is never stuck.
MAX_DOCUMENTS_PER_APPLICATION = 100


class DocumentRejected(InvalidInput):
    """What arrived breaks the rules of its kind. The route records the rejection in its own
    transaction, because the request's transaction is rolled back with the 422."""

    def __init__(self, document_id: UUID, reason: str, code: str) -> None:
        super().__init__(reason, errors=[FieldError(field="file", message=reason, code=code)])
        self.document_id = document_id
        self.reason = reason


class DocumentService:
    def __init__(self, session: AsyncSession, storage: ObjectStore) -> None:
        self.session = session
        self.storage = storage
        self.repo = DocumentRepository(session)

    async def request_upload(
        self,
        candidate_id: UUID,
        application_id: UUID,
        kind: str,
        content_type: str,
        size: int,
        expires: timedelta,
    ) -> tuple[Document, PresignedUpload]:
        application, plan = await load_editable(self.session, candidate_id, application_id)
        known = {k.value for k in DocumentKind} | materials_of_any_condition(plan.conditions)
        if kind not in known:
            raise InvalidInput(
                "不支持的材料类型",
                errors=[FieldError(field="kind", message="不支持的材料类型", code="unknown")],
            )
        problems = declared_problems(kind, content_type, size)
        if problems:
            raise InvalidInput(problems[0].message, errors=problems)
        if await self.repo.count(application.id) >= MAX_DOCUMENTS_PER_APPLICATION:
            raise RuleViolation("上传次数过多，请联系审核人员")
        document_id = uuid4()
        document = Document(
            id=document_id,
            application_id=application.id,
            kind=kind,
            status=DocumentStatus.PENDING,
            object_key=f"registration/{application.id}/{document_id}",
            declared_content_type=content_type,
            declared_size=size,
            created_at=utcnow(),
        )
        self.repo.add(document)
        await self.session.flush()
        # The size limit travels in the upload policy, so the storage server itself refuses an
        # oversized file; what arrives is still checked on confirm.
        upload = await self.storage.presign_upload(
            document.object_key, content_type, expires, max_bytes=size_bounds(kind)[1]
        )
        return document, upload

    async def confirm(
        self, candidate_id: UUID, application_id: UUID, document_id: UUID
    ) -> Document:
        """Check the uploaded file; accepted, it replaces the previous document of its kind."""
        application, _ = await load_editable(self.session, candidate_id, application_id)
        document = await self.repo.get(application.id, document_id)
        if document is None:
            raise NotFound("材料不存在")
        if document.status == DocumentStatus.ACCEPTED:
            return document  # confirming twice changes nothing
        if document.status != DocumentStatus.PENDING:
            raise Conflict("该材料已处理，请重新上传")
        info = await self.storage.stat(document.object_key)
        if info is None:
            raise RuleViolation("尚未收到上传的文件，请先上传再确认")
        if (problem := size_problem(document.kind, info.size)) is not None:
            raise DocumentRejected(document.id, problem, "size")
        data = await self.storage.get(document.object_key, max_bytes=size_bounds(document.kind)[1])
        verdict = inspect(document.kind, data)
        if not verdict.ok:
            assert verdict.problem is not None
            raise DocumentRejected(document.id, verdict.problem, verdict.code)

        previous = await self.repo.accepted_of_kind(application.id, document.kind)
        if previous is not None:
            previous.status = DocumentStatus.SUPERSEDED
            # The partial unique index allows one accepted per kind: retire the old one first.
            await self.session.flush()
        document.status = DocumentStatus.ACCEPTED
        document.content_type = verdict.content_type
        document.size = len(data)
        document.confirmed_at = utcnow()
        mark_edited(application)
        await self.session.flush()
        return document

    async def mark_rejected(self, document_id: UUID, reason: str) -> None:
        document = await self.repo.by_id(document_id)
        if document is None or document.status != DocumentStatus.PENDING:
            return
        document.status = DocumentStatus.REJECTED
        document.rejection_reason = reason
        document.confirmed_at = utcnow()
        await self.session.flush()
        log.info("document %s (%s) rejected: %s", document.id, document.kind, reason)
