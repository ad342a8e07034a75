from __future__ import annotations

from datetime import datetime
from uuid import UUID, uuid4

from sqlalchemy import DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from exam_scheduling.base import Base


class Site(Base):
    """A test site (考点/考核站点) run by an institution (试点院校)."""

    __tablename__ = "sites"

    id: Mapped[UUID] = mapped_column(primary_key=True, default=uuid4)
    name: Mapped[str] = mapped_column(String(100))
    address: Mapped[str] = mapped_column(String(200))
    institution_id: Mapped[str] = mapped_column(String(50), index=True)
    institution_name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Room(Base):
    """A room (考场) of a site: a lab, classroom or workshop with a fixed number of seats."""

    __tablename__ = "rooms"
    __table_args__ = (UniqueConstraint("site_id", "name"), UniqueConstraint("site_id", "number"))

    id: Mapped[UUID] = mapped_column(primary_key=True, default=uuid4)
    site_id: Mapped[UUID] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    # Position of the room within its site (1, 2, …): allocation order and ticket digits.
    number: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(50))
    capacity: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
