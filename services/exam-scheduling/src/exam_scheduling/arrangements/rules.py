"""Who sees which arrangements, and the export's columns. No I/O."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from skillcert.auth import Principal, Role

INSTITUTION_ROLES: Final = (Role.INSTITUTION_ADMIN, Role.INSTITUTION_HEAD)

#: 排考明细 export: the ID column is masked, the ticket number kept as text (18 digits).
DETAIL_HEADER: Final = (
    "计划编号",
    "考试计划",
    "考试时间",
    "考点",
    "考场",
    "考场类型",
    "座位号",
    "准考证号",
    "姓名",
    "证件号码",
)
DETAIL_TEXT_COLUMNS: Final = ("计划编号", "准考证号", "证件号码")
ROOM_TYPE_NAMES: Final = {"computer": "机考", "practical": "实操", "written": "笔试"}


@dataclass(frozen=True)
class Scope:
    """Whose arrangements: an institution's own sites (whoever's plan they serve) or the sites
    serving an organisation's own plans."""

    institution_id: str | None = None
    org_id: str | None = None


def scope_of(principal: Principal) -> Scope:
    """The caller's scope; the routes admit only these roles, each with its own org_id."""
    assert principal.org_id is not None
    if principal.role in INSTITUTION_ROLES:
        return Scope(institution_id=principal.org_id)
    return Scope(org_id=principal.org_id)
