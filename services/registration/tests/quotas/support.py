"""Helpers of the quota and 报考 tests: the province's decision as the institution service
publishes it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

from skillcert.clock import china_today
from skillcert.events import PilotApproved
from tests.roster.support import SCHOOL

CERTIFICATE = "4-01-02-02"  # plan_event()'s occupation code


def pilot_approved(headcount: int = 20, **overrides: Any) -> PilotApproved:
    values: dict[str, Any] = {
        "decision_id": uuid4(),
        "application_id": uuid4(),
        "institution_code": SCHOOL,
        "institution_name": "示例职业技术学院",
        "province": "450000",
        "certificate_code": CERTIFICATE,
        "certificate_name": "电子商务师",
        "year": china_today().year,
        "approved_headcount": headcount,
        "decided_at": datetime.now(UTC),
    }
    values.update(overrides)
    return PilotApproved(**values)
