from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict


class InboxItemOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    template_code: str
    title: str
    body: str
    created_at: datetime
    read_at: datetime | None


class UnreadCountOut(BaseModel):
    unread: int


class DevSmsOut(BaseModel):
    """An SMS as the dev outbox shows it (development profile only)."""

    model_config = ConfigDict(from_attributes=True)

    phone: str
    body: str
    template_code: str
    status: str
    created_at: datetime
