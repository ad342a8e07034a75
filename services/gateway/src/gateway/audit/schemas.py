from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict


class AuditTrailEntryOut(BaseModel):
    """An audit entry (审计记录): who did what to which subject, when and why."""

    model_config = ConfigDict(from_attributes=True)

    event_id: UUID
    at: datetime
    service: str
    kind: Literal["view", "decision", "configuration"]
    action: str
    actor_id: UUID
    actor_role: str
    actor_org: str | None
    subject_type: str
    subject_id: str
    person_id: UUID | None
    reason: str
    correlation_id: str | None
