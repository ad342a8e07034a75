from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from registration.base import Base


class Quota(Base):
    """指标: the headcount a province approved for one institution, certificate and year
    (证书试点申报审批通过, seed 003 §1.1.4), kept from institution.pilot.approved. Only the
    province changes it, by a later decision; nothing here writes it but that event. 报考
    consumes it (`entries`), under a lock of this row."""

    __tablename__ = "quotas"

    #: the institution's 学校标识码: the org_id of its staff's tokens
    institution_id: Mapped[str] = mapped_column(String(50), primary_key=True)
    #: the certificate's code: the occupation code its exam plans are opened for
    certificate_code: Mapped[str] = mapped_column(String(50), primary_key=True)
    #: the calendar year (China time) the quota is for; void after its 31 December
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    institution_name: Mapped[str] = mapped_column(String(200))
    certificate_name: Mapped[str] = mapped_column(String(200))
    province: Mapped[str] = mapped_column(String(20))
    approved_headcount: Mapped[int] = mapped_column(Integer)
    decision_id: Mapped[UUID]
    # The decision this row reflects: a later one replaces the headcount, an older one
    # delivered late is ignored.
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
