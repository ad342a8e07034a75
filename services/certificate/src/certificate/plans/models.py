from datetime import datetime
from uuid import UUID

from sqlalchemy import DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from certificate.base import Base


class PlanInfo(Base):
    """Read model of an exam plan (考试计划), kept from exam.plan.published: what a certificate
    prints (occupation, level, organisation) and which organisation signs it."""

    __tablename__ = "plans"

    plan_id: Mapped[UUID] = mapped_column(primary_key=True)
    org_id: Mapped[str] = mapped_column(String(64), index=True)
    org_name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(200))
    occupation_code: Mapped[str] = mapped_column(String(50))
    occupation_name: Mapped[str] = mapped_column(String(200))
    level: Mapped[int] = mapped_column(Integer)
    level_name: Mapped[str] = mapped_column(String(100))
    # The publication kept (its occurred_at); null for plans kept before versions were.
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
