from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from certificate.base import Base


class StatusList(Base):
    """An organisation's revocation status lists (W3C Bitstring Status List): the next index
    to give a certificate at issue, and when a bit last changed (the lists' validFrom).

    The bits themselves are not stored: bit i is set when the organisation's certificate with
    status_list_index i is revoked, so revoking (one transaction with its outbox event)
    is what flips it, and the list can never disagree with the certificates."""

    __tablename__ = "status_lists"

    org_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    org_name: Mapped[str] = mapped_column(String(200))
    next_index: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
