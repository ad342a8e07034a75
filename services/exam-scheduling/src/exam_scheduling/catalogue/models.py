from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column

from exam_scheduling.base import Base


class Occupation(Base):
    """An occupation (职业) of the national classification: one plans are opened for
    (`certified`) or one that only counts as somebody's related occupation (相关职业)."""

    __tablename__ = "occupations"

    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    # The code in the 2022 职业分类大典; differs from `code` where a key predates that edition.
    national_code: Mapped[str | None] = mapped_column(String(20))
    certified: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class Level(Base):
    """A skill level (职业技能等级): 1 is the highest (一级/高级技师), 5 the entry level."""

    __tablename__ = "levels"

    level: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(50))


class RelatedOccupation(Base):
    """`related_code` counts as a related occupation (相关职业) of `occupation_code` according
    to `source`; `listed_as` is how the source names it (a group, an older name, an OCR slip)."""

    __tablename__ = "related_occupations"

    occupation_code: Mapped[str] = mapped_column(
        ForeignKey("occupations.code", ondelete="CASCADE"), primary_key=True
    )
    related_code: Mapped[str] = mapped_column(
        ForeignKey("occupations.code", ondelete="CASCADE"), primary_key=True
    )
    source: Mapped[str] = mapped_column(String(30), primary_key=True)
    listed_as: Mapped[str] = mapped_column(String(100))


class RelatedOccupationException(Base):
    """`related_code` does NOT count for `occupation_code` whatever the lists say, e.g. seed 004:
    电子商务师 is currently not a related occupation of 供应链管理师."""

    __tablename__ = "related_occupation_exceptions"

    occupation_code: Mapped[str] = mapped_column(
        ForeignKey("occupations.code", ondelete="CASCADE"), primary_key=True
    )
    related_code: Mapped[str] = mapped_column(
        ForeignKey("occupations.code", ondelete="CASCADE"), primary_key=True
    )
    source: Mapped[str] = mapped_column(String(30))
    reason: Mapped[str] = mapped_column(String(300))
