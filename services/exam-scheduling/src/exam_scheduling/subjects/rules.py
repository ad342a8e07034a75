"""Subject catalogue rules (考试科目): who manages and who reads it, the number format. No I/O."""

from __future__ import annotations

from skillcert.auth import Principal, Role

MIN_DURATION_MINUTES = 1
MAX_DURATION_MINUTES = 24 * 60
MAX_AUDIENCE_GROUPS = 20
#: the 参考对象 shown when a subject has no named groups
ALL_CANDIDATES = "所有考生"


def manages(principal: Principal, org_id: str) -> bool:
    """The organisation that owns the catalogue."""
    return principal.role is Role.ORG_ADMIN and principal.org_id == org_id


def reads_every_enabled(principal: Principal) -> bool:
    """Institutions look up every organisation's enabled subjects (查看考试科目) when they
    organise exams and enter candidates."""
    return principal.role in (Role.INSTITUTION_ADMIN, Role.INSTITUTION_HEAD)


def subject_number(serial: int) -> str:
    """科目编号: six digits (the seed's look, 098694), longer only past a million subjects."""
    return f"{serial:06d}"
