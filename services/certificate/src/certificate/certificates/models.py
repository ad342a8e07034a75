from __future__ import annotations

from datetime import datetime
from uuid import UUID, uuid4

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from certificate.base import Base
from skillcert.crypto import EncryptedText


class Certificate(Base):
    """A certificate issuance record (证书发放记录), created when a candidate passes
    (scoring.result.determined "pass"), signed by the institution head and then the
    organisation, and only then given a number and an e-certificate PDF."""

    __tablename__ = "certificates"
    __table_args__ = (
        Index("ix_certificates_institution_created", "institution_id", "created_at"),
        Index("ix_certificates_plan_created", "plan_id", "created_at"),
        Index("uq_certificates_status_list_index", "org_id", "status_list_index", unique=True),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=uuid4)
    # One certificate per application: a redelivered or repeated result adds nothing.
    application_id: Mapped[UUID] = mapped_column(unique=True)
    candidate_id: Mapped[UUID] = mapped_column(index=True)
    plan_id: Mapped[UUID]
    ticket_number: Mapped[str] = mapped_column(String(50))
    holder_name: Mapped[str] = mapped_column(String(100))
    #: encrypted at rest (skillcert.crypto); verification reads it by certificate number
    id_number: Mapped[str] = mapped_column(EncryptedText())
    institution_id: Mapped[str] = mapped_column(String(64))
    institution_name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(30))
    determined_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    # The head's signature intent (签发确认); the cryptographic signature is applied with the
    # institution's identity when the organisation issues, because only then does the PDF
    # (with its number) exist.
    head_signed_by: Mapped[UUID | None]
    head_signer_name: Mapped[str | None] = mapped_column(String(100))
    head_signed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    org_signed_by: Mapped[UUID | None]
    org_signer_name: Mapped[str | None] = mapped_column(String(100))
    org_signed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    # Snapshot of what was printed, fixed at issuance (the plan read model may change later).
    number: Mapped[str | None] = mapped_column(String(40), unique=True)
    occupation_name: Mapped[str | None] = mapped_column(String(200))
    level_name: Mapped[str | None] = mapped_column(String(100))
    org_id: Mapped[str | None] = mapped_column(String(64))
    org_name: Mapped[str | None] = mapped_column(String(200))
    pdf_key: Mapped[str | None] = mapped_column(String(200))
    issued_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Its bit in the organisation's revocation status list (credentials/), given at issue.
    status_list_index: Mapped[int | None] = mapped_column(Integer)

    rejected_by: Mapped[UUID | None]
    rejected_by_role: Mapped[str | None] = mapped_column(String(30))
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    rejected_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    revoked_by: Mapped[UUID | None]
    revocation_reason: Mapped[str | None] = mapped_column(Text)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class NumberSequence(Base):
    """The last sequence used per number prefix (year + organisation + level)."""

    __tablename__ = "number_sequences"

    prefix: Mapped[str] = mapped_column(String(30), primary_key=True)
    last_value: Mapped[int] = mapped_column(Integer)


class SigningRound(Base):
    """One round of signing a certificate (签发轮次): both signatures complete it; a refusal
    ends it, and once the organisation has dealt with the refusal a new round opens. Rounds
    are never deleted: they are the certificate's signing history."""

    __tablename__ = "signing_rounds"
    __table_args__ = (UniqueConstraint("certificate_id", "seq"),)

    id: Mapped[UUID] = mapped_column(primary_key=True, default=uuid4)
    certificate_id: Mapped[UUID] = mapped_column(ForeignKey("certificates.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(20))
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    head_signed_by: Mapped[UUID | None]
    head_signer_name: Mapped[str | None] = mapped_column(String(100))
    head_signed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    org_signed_by: Mapped[UUID | None]
    org_signer_name: Mapped[str | None] = mapped_column(String(100))
    org_signed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    refused_by: Mapped[UUID | None]
    refused_by_role: Mapped[str | None] = mapped_column(String(30))
    refusal_reason: Mapped[str | None] = mapped_column(Text)
    refused_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolved_by: Mapped[UUID | None]
    resolution: Mapped[str | None] = mapped_column(Text)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
