from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import DateTime, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from gateway.base import Base


class AuditEntry(Base):
    """One entry of the platform's audit trail (审计记录), as a service recorded it
    (skillcert.audit): kept here, where ops query it across services."""

    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_entries_at", "at", "event_id"),
        Index("ix_audit_entries_actor_at", "actor_id", "at"),
        Index("ix_audit_entries_person_at", "person_id", "at"),
    )

    #: the event's id: a redelivered entry is the same entry
    event_id: Mapped[UUID] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    service: Mapped[str] = mapped_column(String(50))
    kind: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(100), index=True)
    actor_id: Mapped[UUID]
    actor_role: Mapped[str] = mapped_column(String(30))
    actor_org: Mapped[str | None] = mapped_column(String(50))
    subject_type: Mapped[str] = mapped_column(String(50))
    subject_id: Mapped[str] = mapped_column(String(100))
    person_id: Mapped[UUID | None]
    reason: Mapped[str] = mapped_column(String(500))
    correlation_id: Mapped[str | None] = mapped_column(String(64))
