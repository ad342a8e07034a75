from __future__ import annotations

from datetime import datetime
from uuid import UUID, uuid4

from sqlalchemy import DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from institution.base import Base
from skillcert.crypto import EncryptedText


class HeadReplacement(Base):
    """更换负责人记录: the province moved an institution's head slot to a new head account. Kept
    for good: who replaced whom, when and why."""

    __tablename__ = "head_replacements"
    __table_args__ = (Index("ix_head_replacements_institution", "institution_code", "replaced_at"),)

    id: Mapped[UUID] = mapped_column(primary_key=True, default=uuid4)
    institution_code: Mapped[str] = mapped_column(ForeignKey("directory_entries.code"))
    old_head_account_id: Mapped[UUID]
    new_head_account_id: Mapped[UUID] = mapped_column(unique=True)
    new_head_name: Mapped[str] = mapped_column(String(50))
    #: encrypted at rest (skillcert.crypto)
    new_head_phone: Mapped[str] = mapped_column(EncryptedText())
    reason: Mapped[str] = mapped_column(String(500))
    replaced_by: Mapped[UUID]
    replaced_by_name: Mapped[str] = mapped_column(String(100))
    replaced_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
