"""Replacing an institution's head (更换考核站点负责人, issue 11): who may, and what a request
must hold. Pure: no I/O."""

from __future__ import annotations

from typing import Final

from skillcert.errors import FieldError

NEVER_SIGNED_UP: Final = "该院校尚未注册负责人账号，无需更换"
OTHER_PROVINCE: Final = "只能更换本省院校的负责人"
REASON_MAX: Final = 500


def request_problems(name: str, reason: str) -> list[FieldError]:
    """Why the new head's name or the reason cannot be taken (blank after trimming)."""
    problems: list[FieldError] = []
    if not name.strip():
        problems.append(FieldError(field="name", message="请填写新负责人姓名"))
    if not reason.strip():
        problems.append(FieldError(field="reason", message="请填写更换原因"))
    return problems
