from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from exam_scheduling.base import Base
from skillcert.crypto import EncryptedText


class Site(Base):
    """An exam site (考核站点) an institution (试点院校) applied for to one certifying organisation
    (申报对象); it hosts that organisation's exams of the listed certificates once approved."""

    __tablename__ = "sites"
    __table_args__ = (Index("ix_sites_org_status", "org_id", "status"),)

    id: Mapped[UUID] = mapped_column(primary_key=True, default=uuid4)
    name: Mapped[str] = mapped_column(String(100))
    # The owning institution: the 学校标识码 its staff accounts carry as org_id.
    institution_id: Mapped[str] = mapped_column(String(50), index=True)
    institution_name: Mapped[str] = mapped_column(String(100))
    org_id: Mapped[str] = mapped_column(String(50))
    org_name: Mapped[str] = mapped_column(String(100))
    # 所在区域 (GB/T 2260); empty on sites set up before applications existed.
    province_code: Mapped[str | None] = mapped_column(String(6))
    city_code: Mapped[str | None] = mapped_column(String(6))
    county_code: Mapped[str | None] = mapped_column(String(6))
    address: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(String(1000), default="")
    contact_name: Mapped[str] = mapped_column(String(50), default="")
    #: encrypted at rest (skillcert.crypto)
    contact_phone: Mapped[str] = mapped_column(EncryptedText(), default="")
    contact_email: Mapped[str] = mapped_column(String(100), default="")
    # 申请考试的证书: [{"occupation_code", "level"}], read with the site, never queried.
    certificates: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decision_reason: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Room(Base):
    """A room (考场) of a site for one exam plan: a lab, classroom or workshop with a fixed number
    of seats, set up again for every exam (or copied from the previous one). Rooms of sites set
    up before that have no plan and serve every plan of their site."""

    __tablename__ = "rooms"
    __table_args__ = (
        UniqueConstraint("site_id", "plan_id", "name"),
        UniqueConstraint("site_id", "plan_id", "number"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=uuid4)
    site_id: Mapped[UUID] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    plan_id: Mapped[UUID | None] = mapped_column(
        ForeignKey("exam_plans.id", ondelete="CASCADE"), index=True
    )
    # Position of the room within its site and plan (1, 2, …): allocation order, ticket digits.
    number: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(50))
    # RoomType: computer 机考 / practical 实操 / written 笔试.
    room_type: Mapped[str] = mapped_column(String(20), default="computer")
    capacity: Mapped[int] = mapped_column(Integer)
    # The exact address (考场地址, down to the door) printed on the admission ticket.
    address: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SiteBorrowing(Base):
    """A request to sit at another institution's site (借考) by an institution without one;
    the organisation assigns the host site."""

    __tablename__ = "site_borrowings"
    __table_args__ = (Index("ix_site_borrowings_org_created", "org_id", "created_at"),)

    id: Mapped[UUID] = mapped_column(primary_key=True, default=uuid4)
    institution_id: Mapped[str] = mapped_column(String(50), index=True)
    institution_name: Mapped[str] = mapped_column(String(100))
    org_id: Mapped[str] = mapped_column(String(50))
    occupation_code: Mapped[str] = mapped_column(String(20))
    level: Mapped[int] = mapped_column(Integer)
    candidate_count: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[str] = mapped_column(String(20))
    site_id: Mapped[UUID | None] = mapped_column(ForeignKey("sites.id"))
    decision_reason: Mapped[str | None] = mapped_column(String(200))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SiteAttachment(Base):
    """A supporting document (其他佐证材料, PDF or Word) of a site application, uploaded by the
    institution straight to object storage and accepted once it has arrived."""

    __tablename__ = "site_attachments"

    id: Mapped[UUID] = mapped_column(primary_key=True, default=uuid4)
    site_id: Mapped[UUID] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), index=True)
    file_name: Mapped[str] = mapped_column(String(100))
    content_type: Mapped[str] = mapped_column(String(100))
    object_key: Mapped[str] = mapped_column(String(200))
    size: Mapped[int] = mapped_column(Integer)
    # pending until the upload is confirmed, then accepted.
    status: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
