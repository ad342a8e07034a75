"""Exam sessions (场次) and who may be on duty in them. No I/O.

A session is one subject of a plan, sat within the plan's exam window (考试时间): the plan's
subjects are what it timetables, and a room of the plan holds its candidates for each of
them. Its id is derived (a name-based UUID of plan and subject), so the invigilator's device,
the printouts and scoring's absentee record name the same session without a table to keep
in step with the plan's subjects.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from uuid import UUID, uuid5

from skillcert.auth import Principal, Role

#: Fixed namespace of session ids: the same plan and subject give the same id everywhere.
SESSION_NAMESPACE = UUID("6f0d3c52-2b7e-4f3e-9a51-5b1f3c7e8d21")

INSTITUTION_ROLES = (Role.INSTITUTION_ADMIN, Role.INSTITUTION_HEAD)
#: A room seats few enough candidates that more than this many invigilators is a mistake.
MAX_INVIGILATORS_PER_ROOM = 6


class Duty(StrEnum):
    INVIGILATOR = "invigilator"  # 监考
    INSPECTOR = "inspector"  # 巡考


#: The account role each duty needs.
DUTY_ROLE: dict[Duty, Role] = {Duty.INVIGILATOR: Role.INVIGILATOR, Duty.INSPECTOR: Role.INSPECTOR}


def session_id_of(plan_id: UUID, subject_code: str) -> UUID:
    return uuid5(SESSION_NAMESPACE, f"{plan_id}/{subject_code}")


def session_started(starts_at: datetime, at: datetime) -> bool:
    return at >= starts_at


def is_site_institution(principal: Principal, institution_id: str) -> bool:
    return principal.role in INSTITUTION_ROLES and principal.org_id == institution_id


def account_problem(
    duty: Duty, account_role: str | None, account_org: str | None, org_id: str
) -> str | None:
    """Why an account cannot take this duty for `org_id` (the site's institution for an
    invigilator, its organisation for an inspector), or None."""
    role = DUTY_ROLE[duty]
    if account_role is None:
        return "账号不存在或尚未同步，请稍后重试"
    if account_role != role.value:
        return "该账号不是监考人员" if duty is Duty.INVIGILATOR else "该账号不是巡考人员"
    if account_org != org_id:
        return "该账号不属于本院校" if duty is Duty.INVIGILATOR else "该账号不属于本组织"
    return None
