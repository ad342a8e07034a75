from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from exam_scheduling.base import Base


class CandidatePhoto(Base):
    """Where the candidate's ID photo (白底证件照) of an application lies in object storage,
    kept from registration's submitted/resubmitted events: the newest revision wins."""

    __tablename__ = "candidate_photos"

    application_id: Mapped[UUID] = mapped_column(primary_key=True)
    object_key: Mapped[str] = mapped_column(String(300))
    content_type: Mapped[str] = mapped_column(String(100))
    revision: Mapped[int] = mapped_column(Integer)


class TicketSigningKey(Base):
    """Development/test only: the generated ES256 key that signs ticket QR codes, kept so
    every process and restart signs with the key the JWK set publishes. Production configures
    the key (EXAM_SCHEDULING_TICKET_SIGNING_KEY_PEM) and never writes here."""

    __tablename__ = "ticket_signing_keys"

    kid: Mapped[str] = mapped_column(String(40), primary_key=True)
    private_key_pem: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
