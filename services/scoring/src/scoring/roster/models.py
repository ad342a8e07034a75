from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import DateTime, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from scoring.base import Base
from skillcert.crypto import EncryptedText


class RosterEntry(Base):
    """Read model of a scheduled candidate (考生名单) with the admission ticket (准考证号),
    kept from exam.candidate.scheduled: scores are imported against ticket numbers."""

    __tablename__ = "roster"
    __table_args__ = (UniqueConstraint("plan_id", "ticket_number"),)

    application_id: Mapped[UUID] = mapped_column(primary_key=True)
    plan_id: Mapped[UUID] = mapped_column(index=True)
    candidate_id: Mapped[UUID] = mapped_column(index=True)
    candidate_name: Mapped[str] = mapped_column(String(100))
    #: encrypted at rest (skillcert.crypto); never looked up by
    id_number: Mapped[str] = mapped_column(EncryptedText())
    ticket_number: Mapped[str] = mapped_column(String(40))
    institution_id: Mapped[str] = mapped_column(String(50))
    institution_name: Mapped[str] = mapped_column(String(200))
    # occurred_at of the event this row reflects: an older re-delivery must not overwrite it.
    scheduled_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
