from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from institution.base import Base
from skillcert.crypto import EncryptedText


class InstitutionProfile(Base):
    """An institution's base info; the name is the directory's and is not stored again."""

    __tablename__ = "institution_profiles"

    institution_code: Mapped[str] = mapped_column(
        ForeignKey("directory_entries.code"), primary_key=True
    )
    type: Mapped[str] = mapped_column(String(20))
    credit_code: Mapped[str] = mapped_column(String(18))
    website: Mapped[str | None] = mapped_column(String(200))
    education_department: Mapped[str] = mapped_column(String(100))
    province: Mapped[str] = mapped_column(String(6))
    city: Mapped[str] = mapped_column(String(6))
    county: Mapped[str | None] = mapped_column(String(6))
    street: Mapped[str] = mapped_column(String(200))
    contact_name: Mapped[str] = mapped_column(String(50))
    #: encrypted at rest (skillcert.crypto)
    contact_phone: Mapped[str] = mapped_column(EncryptedText())
    contact_email: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
