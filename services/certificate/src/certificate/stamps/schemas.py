from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints


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


class MyStampOut(StampOut):
    """The caller's own stamp with a short-lived link to the image (nobody else gets one)."""

    image_url: str


class AgreementOut(BaseModel):
    """The current 电子签名章使用授权委托书 and whether the caller has accepted this version."""

    version: int
    title: str
    body: str
    published_at: datetime
    accepted_at: datetime | None


class AgreementAcceptIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # The version the head read: accepting text they never saw would be no consent.
    version: int = Field(ge=1)


class AgreementAcceptanceOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    version: int
    institution_id: str
    signer_name: str
    ip: str
    accepted_at: datetime


class AgreementIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=100)]
    body: Annotated[str, StringConstraints(strip_whitespace=True, min_length=20, max_length=20000)]
