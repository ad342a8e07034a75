from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from certificate.base import Base


class Stamp(Base):
    """The institution head's signature stamp (考核站点负责人签名章): one per institution, a
    transparent square PNG printed in the head's signature area of every certificate."""

    __tablename__ = "stamps"

    institution_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    object_key: Mapped[str] = mapped_column(String(200))
    size: Mapped[int] = mapped_column(Integer)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    uploaded_by: Mapped[UUID]
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
