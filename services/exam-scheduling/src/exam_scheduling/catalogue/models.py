from __future__ import annotations

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from exam_scheduling.base import Base


class Occupation(Base):
    """An occupation (职业) a certificate is issued for, by its national classification code."""

    __tablename__ = "occupations"

    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)


class Level(Base):
    """A skill level (职业技能等级): 1 is the highest (一级/高级技师), 5 the entry level."""

    __tablename__ = "levels"

    level: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(50))
