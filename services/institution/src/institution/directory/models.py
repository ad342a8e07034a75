from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from institution.base import Base


class DirectoryEntry(Base):
    """One institution of the official list (学校标识码 is the Ministry's key and ours)."""

    __tablename__ = "directory_entries"
    __table_args__ = (
        # Sign-up matches by name inside a province: a name must name one institution there.
        UniqueConstraint("province", "name"),
        Index("ix_directory_entries_region", "province", "city", "code"),
    )

    code: Mapped[str] = mapped_column(String(10), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    province: Mapped[str] = mapped_column(String(6))
    city: Mapped[str] = mapped_column(String(6))
    level: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class DirectoryChange(Base):
    """The audit record of one change to the list: who, when, what it was and became."""

    __tablename__ = "directory_changes"
    __table_args__ = (Index("ix_directory_changes_entry", "code", "at"),)

    id: Mapped[UUID] = mapped_column(primary_key=True, default=uuid4)
    code: Mapped[str] = mapped_column(ForeignKey("directory_entries.code"))
    action: Mapped[str] = mapped_column(String(10))
    actor_id: Mapped[UUID | None]
    actor_name: Mapped[str] = mapped_column(String(100))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any]] = mapped_column(JSON)
    reason: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
