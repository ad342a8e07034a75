from __future__ import annotations

from datetime import datetime
from uuid import UUID, uuid4

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
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


class StampAgreement(Base):
    """A version of the 电子签名章使用授权委托书 the head accepts before uploading a stamp.
    Versions are only added, never edited: an acceptance names the exact text agreed to."""

    __tablename__ = "stamp_agreements"

    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    title: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text)
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class StampAgreementAcceptance(Base):
    """Who accepted which version of the agreement, when and from where (the record that the
    head authorised the use of their stamp)."""

    __tablename__ = "stamp_agreement_acceptances"
    __table_args__ = (UniqueConstraint("account_id", "version"),)

    id: Mapped[UUID] = mapped_column(primary_key=True, default=uuid4)
    institution_id: Mapped[str] = mapped_column(String(64), index=True)
    account_id: Mapped[UUID]
    signer_name: Mapped[str] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(ForeignKey("stamp_agreements.version"))
    ip: Mapped[str] = mapped_column(String(64))
    accepted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
