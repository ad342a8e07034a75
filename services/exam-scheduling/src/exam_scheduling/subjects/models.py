from __future__ import annotations

from datetime import datetime
from uuid import UUID, uuid4

from sqlalchemy import JSON, Boolean, DateTime, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from exam_scheduling.base import Base


class Subject(Base):
    """A subject of an organisation's subject catalogue (考试科目): what a certificate at a level
    is examined by, how (机考/实操/笔试) and how long, and for whom (参考对象)."""

    __tablename__ = "subjects"
    __table_args__ = (
        UniqueConstraint("org_id", "occupation_code", "level", "name"),
        Index("ix_subjects_org_certificate", "org_id", "occupation_code", "level"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=uuid4)
    # 科目编号: six digits, unique across organisations (people quote it alone).
    number: Mapped[str] = mapped_column(String(10), unique=True)
    org_id: Mapped[str] = mapped_column(String(50))
    org_name: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(100))
    # SubjectMethod: computer 机考 / practical 实操 / written 笔试.
    method: Mapped[str] = mapped_column(String(20))
    occupation_code: Mapped[str] = mapped_column(String(20))
    occupation_name: Mapped[str] = mapped_column(String(100))
    level: Mapped[int] = mapped_column(Integer)
    level_name: Mapped[str] = mapped_column(String(50))
    duration_minutes: Mapped[int] = mapped_column(Integer)
    # 参考对象: empty for all candidates (所有考生), else the named groups that sit it.
    audience: Mapped[list[str]] = mapped_column(JSON, default=list)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
