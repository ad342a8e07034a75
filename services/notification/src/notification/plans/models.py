from datetime import datetime
from uuid import UUID

from sqlalchemy import DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from notification.base import Base


class PlanTitle(Base):
    """Read model: exam plan titles, kept from exam.plan.published, for message texts."""

    __tablename__ = "plan_titles"

    plan_id: Mapped[UUID] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    # The publication kept (its occurred_at); null for titles kept before versions were.
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
