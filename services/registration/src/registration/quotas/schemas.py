"""API shapes of the quotas (指标)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from registration.quotas.models import Quota
from registration.quotas.rules import remaining


class QuotaOut(BaseModel):
    """An institution's quota for a certificate and year: approved, used and left."""

    certificate_code: str
    certificate_name: str
    year: int
    approved_headcount: int
    used: int
    remaining: int
    #: when the province decided the headcount shown
    decided_at: datetime


def quota_out(quota: Quota, used: int) -> QuotaOut:
    return QuotaOut(
        certificate_code=quota.certificate_code,
        certificate_name=quota.certificate_name,
        year=quota.year,
        approved_headcount=quota.approved_headcount,
        used=used,
        remaining=remaining(quota.approved_headcount, used),
        decided_at=quota.decided_at,
    )
