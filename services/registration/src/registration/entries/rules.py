"""报考 rules (为学生报考, seed 003 §2.2.7). Pure functions and constants, no I/O.

* The institution registers its roster students in bulk, from a template: by certificate
  (按证书: every subject of the plan) or by subject (按科目: the 科目代码 of each line).
  Deleting works the same way, from the same templates (批量删除报考数据).
* Only inside the plan's registration window (报考时间), neither before nor after, and never
  for a cancelled plan.
* Within quota: each newly registered student uses one place of the institution's quota for
  the plan's certificate in the current year (China time); deleting a registration gives it
  back. A student registered for more subjects of the same plan uses no further place.
* 参考对象 (the target group a subject is for, e.g. a major direction): a subject whose plan
  names groups for it is sat as one of them, so a line registering a student for such a
  subject (按科目: the line's subject; 按证书: every subject of the plan that names groups)
  must name, in the optional column 参考对象, a group of each such subject. A student sits a
  plan as one group: a line naming another than the student's registration (or an earlier
  line) is refused. Where no subject of the line names groups (所有考生) the column is
  ignored and nothing is stored; deleting ignores it too.
* All or nothing per file: every bad line is reported at once (``rows[<line>].<field>``) and
  nothing is written.
* Only students on the institution's roster with a checked photo (the admission ticket and the
  certificate carry it), and only by the institution's own staff (institution admin or head).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final

from skillcert.auth import Principal, Role
from skillcert.errors import Forbidden


class EntryMode(StrEnum):
    CERTIFICATE = "certificate"  # 按证书: every subject of the plan
    SUBJECT = "subject"  # 按科目: the subject the line names


ENTERING_ROLES: Final = (Role.INSTITUTION_ADMIN, Role.INSTITUTION_HEAD)

NAME: Final = "name"
ID_NUMBER: Final = "id_number"
SUBJECT_CODE: Final = "subject_code"
AUDIENCE: Final = "audience"

#: The template's columns per mode, in order: (header, field).
COLUMNS: Final[dict[EntryMode, tuple[tuple[str, str], ...]]] = {
    EntryMode.CERTIFICATE: (("姓名", NAME), ("证件号码", ID_NUMBER), ("参考对象", AUDIENCE)),
    EntryMode.SUBJECT: (
        ("姓名", NAME),
        ("证件号码", ID_NUMBER),
        ("科目代码", SUBJECT_CODE),
        ("参考对象", AUDIENCE),
    ),
}
#: Headings a file may leave out (files made from the template before 参考对象 was added).
OPTIONAL_COLUMNS: Final[tuple[str, ...]] = ("参考对象",)
TEXT_COLUMNS: Final[tuple[str, ...]] = ("证件号码", "科目代码")
TEMPLATE_TITLES: Final[dict[EntryMode, str]] = {
    EntryMode.CERTIFICATE: "按证书报考",
    EntryMode.SUBJECT: "按科目报考",
}
_HEADER_OF: Final[dict[str, str]] = {field: header for header, field in COLUMNS[EntryMode.SUBJECT]}
_COLUMN_ORDER: Final[dict[str, int]] = {
    field: position for position, (_, field) in enumerate(COLUMNS[EntryMode.SUBJECT])
}

MAX_FILE_BYTES: Final = 2 * 1024 * 1024
MAX_ROWS: Final = 5000

#: Why a deletion went out to payment and exam-scheduling.
DELETION_REASON: Final = "院校删除报考"


def headers(mode: EntryMode) -> tuple[str, ...]:
    return tuple(header for header, _ in COLUMNS[mode])


def required_headers(mode: EntryMode) -> tuple[str, ...]:
    return tuple(h for h in headers(mode) if h not in OPTIONAL_COLUMNS)


def audience_choices(subjects: list[dict[str, object]], codes: set[str]) -> list[str] | None:
    """The 参考对象 a line registering for the plan subjects `codes` may name: the groups every
    one of them that names groups has, in plan order; None when none names groups."""
    choices: list[str] | None = None
    for subject in subjects:
        groups = subject.get("audience") or []
        if str(subject["code"]) not in codes or not isinstance(groups, list) or not groups:
            continue
        named = [str(g) for g in groups]
        choices = named if choices is None else [g for g in choices if g in named]
    return choices


def entering_institution(principal: Principal) -> str:
    """The institution a caller registers students for: its own, and only its staff do."""
    if principal.role not in ENTERING_ROLES:
        raise Forbidden("只有试点院校可以为学生报考")
    if principal.org_id is None:
        raise Forbidden("账号未关联院校")
    return principal.org_id


def row_field(line: int, field: str) -> str:
    return f"rows[{line}].{field}"


def row_message(line: int, field: str, problem: str) -> str:
    """The problem as the teacher reads it beside the spreadsheet: line and column named."""
    return f"第{line}行“{_HEADER_OF[field]}”：{problem}"


def column_order(field: str) -> int:
    return _COLUMN_ORDER.get(field, -1)


def normalise_id_number(raw: str) -> str:
    """ID numbers compare without spaces and with an upper-case check character X."""
    return "".join(raw.split()).upper()


def quota_exceeded(certificate_name: str, year: int, left: int, needed: int) -> str:
    return f"超出指标：{certificate_name} {year}年度指标剩余 {left} 人，本次需新增 {needed} 人"
