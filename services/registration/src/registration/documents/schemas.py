from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints


class UploadRequestIn(BaseModel):
    """What the client is about to upload; checked again when it has arrived."""

    kind: Annotated[
        str, StringConstraints(strip_whitespace=True, pattern=r"^[a-z][a-z0-9_]{0,39}$")
    ]
    content_type: Annotated[str, StringConstraints(strip_whitespace=True, to_lower=True)]
    size: Annotated[int, Field(ge=1)]


class PresignedUploadOut(BaseModel):
    """POST: a multipart form to `url` with `fields` and the file last as `file`; the storage
    server refuses a file over the kind's size limit or of another type. PUT: the bytes to
    `url` with `headers`."""

    method: str
    url: str
    headers: dict[str, str]
    fields: dict[str, str] = {}
    expires_in_s: int


class UploadOut(BaseModel):
    document_id: UUID
    kind: str
    upload: PresignedUploadOut


class DocumentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    kind: str
    status: str
    content_type: str | None
    size: int | None
    rejection_reason: str | None
    created_at: datetime
    confirmed_at: datetime | None
