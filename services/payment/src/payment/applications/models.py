from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from payment.base import Base


class PayableApplication(Base):
    """Read model of approved applications (审核通过的报名), kept from review and registration
    events: only these may be paid, and only by their candidate."""

    __tablename__ = "payable_applications"

    application_id: Mapped[UUID] = mapped_column(primary_key=True)
    candidate_id: Mapped[UUID] = mapped_column(index=True)
    plan_id: Mapped[UUID]
    status: Mapped[str] = mapped_column(String(20))
    revision: Mapped[int] = mapped_column(Integer, default=0)
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
