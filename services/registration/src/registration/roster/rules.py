"""Student roster rules (考生管理, seed 003 §2.2.4). Pure functions and constants, no I/O.

* An institution keeps two kinds of students: its own (院校考生) and trainees it recruits from
  society with the organisation (社会考生). Both need name, 姓名拼音, ID and mobile; a school
  student also needs 就读专业, 专业层次 and 入学年份, which a trainee may not have.
* Students are imported once (不要重复导入) from the template (CSV or Excel) or added one by
  one; importing a student already on the roster updates them (批量修改 is a re-import).
* An import is all or nothing: every bad cell and every ID number listed twice in the file is
  reported at once (``rows[<line>].<field>``, lines as the spreadsheet numbers them, header = 1).
* ID numbers and mobiles are checked as on the application form (`applications.rules`).
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Final

from registration.forms.rules import ID_TYPES


class StudentType(StrEnum):
    INSTITUTION = "institution"  # 院校考生: the institution's own students
    SOCIAL = "social"  # 社会考生: trainees recruited from society


STUDENT_TYPES: Final[dict[StudentType, str]] = {
    StudentType.INSTITUTION: "院校考生",
    StudentType.SOCIAL: "社会考生",
}

#: 专业层次 of the 1+X pilots, which run in secondary vocational schools, higher vocational
#: colleges and (applied) universities; named as the 2021 职业教育专业目录 names its levels.
MAJOR_LEVELS: Final[tuple[str, ...]] = ("中职", "高职专科", "职业本科", "本科")

#: Oldest 入学年份 accepted, in years before the current one: a pilot student is studying now.
ENROLMENT_YEARS_BACK: Final = 20

#: Fields a school student (院校考生) must have and a trainee (社会考生) may leave blank.
STUDY_FIELDS: Final[tuple[str, ...]] = ("major", "major_level", "enrolment_year")

# --- the import template ------------------------------------------------------------------------

#: The template's columns, in order: (header, API field).
COLUMNS: Final[tuple[tuple[str, str], ...]] = (
    ("姓名", "name"),
    ("姓名拼音", "name_pinyin"),
    ("证件类型", "id_type"),
    ("证件号码", "id_number"),
    ("手机号码", "phone"),
    ("就读专业", "major"),
    ("专业层次", "major_level"),
    ("入学年份", "enrolment_year"),
    ("考生类型", "student_type"),
)
HEADERS: Final[tuple[str, ...]] = tuple(header for header, _ in COLUMNS)
HEADER_OF: Final[dict[str, str]] = {field: header for header, field in COLUMNS}
FIELD_OF: Final[dict[str, str]] = dict(COLUMNS)
#: Columns Excel must keep as text: long digit strings would otherwise turn into numbers.
TEXT_COLUMNS: Final[tuple[str, ...]] = ("证件号码", "手机号码", "入学年份")
#: Dropdowns of the Excel template: header -> the values offered.
CHOICES: Final[dict[str, tuple[str, ...]]] = {
    "证件类型": tuple(ID_TYPES.values()),
    "专业层次": MAJOR_LEVELS,
    "考生类型": tuple(STUDENT_TYPES.values()),
}

MAX_FILE_BYTES: Final = 2 * 1024 * 1024
MAX_ROWS: Final = 5000


def enrolment_year_problem(year: int, today: date) -> str | None:
    """入学年份 must be a year that has begun, and not implausibly long ago."""
    if year > today.year:
        return f"入学年份不能晚于当前年份（{today.year}年）"
    if year < today.year - ENROLMENT_YEARS_BACK:
        return f"入学年份不能早于{today.year - ENROLMENT_YEARS_BACK}年"
    return None


def row_field(line: int, field: str) -> str:
    """Where a problem of the import lies: the spreadsheet line and the API field."""
    return f"rows[{line}].{field}"


def row_message(line: int, field: str, problem: str) -> str:
    """The problem as a teacher reads it next to the spreadsheet: line and column named."""
    column = HEADER_OF.get(field)
    return f"第{line}行“{column}”：{problem}" if column else f"第{line}行：{problem}"


def duplicate_key(raw_id_number: str) -> str:
    """What makes two lines the same student: the ID number, spacing and case aside."""
    return "".join(raw_id_number.split()).upper()


def label_to_code(labels: dict[str, str], value: str) -> str | None:
    """The code of an option given by its Chinese label (as the template has it) or by code."""
    value = value.strip()
    if value in labels:
        return value
    return next((code for code, label in labels.items() if label == value), None)
