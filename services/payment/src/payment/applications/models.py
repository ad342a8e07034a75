from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from payment.base import Base
from skillcert.crypto import EncryptedText, blind_index_column, sync_blind_index


class PayableApplication(Base):
    """Read model of approved applications (审核通过的报名), kept from review and registration
    events: only these may be paid, and only by their candidate."""

    __tablename__ = "payable_applications"

    application_id: Mapped[UUID] = mapped_column(primary_key=True)
    candidate_id: Mapped[UUID] = mapped_column(index=True)
    plan_id: Mapped[UUID] = mapped_column(index=True)
    # Who the application is for, from the approval: institution payment requests are
    # imported by ID number and name and matched against these.
    candidate_name: Mapped[str | None] = mapped_column(String(50))
    # Encrypted at rest, matched by its keyed hash (skillcert.crypto).
    id_number: Mapped[str | None] = mapped_column(EncryptedText())
    id_number_hash: Mapped[str | None] = blind_index_column()
    # The institution whose student roster holds the candidate (from the approval): only
    # that institution's payment requests may cover the application; None: no institution.
    institution_id: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20))
    revision: Mapped[int] = mapped_column(Integer, default=0)
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


sync_blind_index(PayableApplication.id_number, PayableApplication.id_number_hash)
