from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from institution.base import Base
from skillcert.crypto import EncryptedText


class InstitutionHead(Base):
    """The institution's one head account (考核站点负责人), made at sign-up. The key is the
    institution: a second sign-up cannot insert a second row, however the requests race."""

    __tablename__ = "institution_heads"

    institution_code: Mapped[str] = mapped_column(
        ForeignKey("directory_entries.code"), primary_key=True
    )
    head_account_id: Mapped[UUID] = mapped_column(unique=True)
    #: encrypted at rest (skillcert.crypto)
    phone: Mapped[str] = mapped_column(EncryptedText())
    # Each phone proof signs up once: a proof replayed for a second institution is refused.
    proof_id: Mapped[str] = mapped_column(String(64), unique=True)
    registered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
