from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints


class PresignedPutOut(BaseModel):
    method: str
    url: str
    headers: dict[str, str]
    expires_in_s: int


class StampUploadUrlOut(BaseModel):
    object_key: str
    upload: PresignedPutOut


class StampConfirmIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    object_key: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)
    ]


class StampOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    institution_id: str
    size: int
    width: int
    height: int
    uploaded_at: datetime
