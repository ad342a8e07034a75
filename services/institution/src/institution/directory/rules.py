"""The official institution directory (院校名单): its fields, its CSV format, and which province
a province admin acts for. Pure: no I/O.

The list is the Ministry of Education's (学校标识码, name, province, city, level); sign-up
accepts only names found in it, so a province admin corrects it rather than institutions typing
their own (seed 003 §1.1.2). The CSV format is documented in docs/institution-directory.md.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from skillcert import divisions
from skillcert.errors import FieldError

CODE_RE: Final = re.compile(r"^\d{10}$")
NAME_MAX: Final = 100
CSV_COLUMNS: Final = ("code", "name", "province", "city", "level")


class Level(StrEnum):
    """办学层次 as the Ministry's list names it."""

    UNDERGRADUATE = "本科"
    HIGHER_VOCATIONAL = "高职"
    SECONDARY_VOCATIONAL = "中职"
    TECHNICIAN = "技工"


class ChangeAction(StrEnum):
    ADDED = "added"  # a province admin added a missing institution
    CORRECTED = "corrected"  # a province admin corrected an entry
    IMPORTED = "imported"  # loaded from a CSV file (the sample set, or the Ministry's list)


# A province admin's organisation is `PROV-<GB/T 2260 letters>` (skillcert.divisions).
PROVINCE_ORG_PREFIX: Final = "PROV-"


def province_of_org(org_id: str | None) -> str | None:
    """The GB/T 2260 province code a province admin's organisation stands for, or None."""
    if org_id is None or not org_id.startswith(PROVINCE_ORG_PREFIX):
        return None
    return divisions.province_of_letters(org_id.removeprefix(PROVINCE_ORG_PREFIX))


@dataclass(frozen=True)
class Entry:
    code: str
    name: str
    province: str
    city: str
    level: Level


def _city_problem(province: str | None, city: str) -> str | None:
    unknown = divisions.unknown_code(city, 2)
    if unknown is None and province is not None:
        return divisions.chain_problem(province, city, 2)
    return unknown


def entry_problems(
    code: str | None, name: str | None, province: str | None, city: str | None
) -> list[FieldError]:
    """Why these values cannot stand in the directory, field by field, in Chinese. `None`
    means "not given" (a correction leaves it as it was) and is not checked here."""
    problems: list[FieldError] = []
    if code is not None and not CODE_RE.match(code):
        problems.append(FieldError(field="code", message="学校标识码应为10位数字"))
    if name is not None and not name.strip():
        problems.append(FieldError(field="name", message="院校名称不能为空"))
    if province is not None and (why := divisions.unknown_code(province, 1)):
        problems.append(FieldError(field="province", message=why))
    if city is not None and (why := _city_problem(province, city)):
        problems.append(FieldError(field="city", message=why))
    return problems


def parse_csv(text: str) -> tuple[list[Entry], list[FieldError]]:
    """Every row of a directory CSV, or the problems of every bad row (`rows[3].city`); a file
    with any bad row loads nothing, so a half-loaded list never answers a sign-up."""
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff")))
    if tuple(reader.fieldnames or ()) != CSV_COLUMNS:
        return [], [FieldError(field="header", message="表头应为：" + ",".join(CSV_COLUMNS))]
    entries: list[Entry] = []
    problems: list[FieldError] = []
    seen: dict[str, int] = {}
    for line, row in enumerate(reader, start=2):
        values = {c: (row.get(c) or "").strip() for c in CSV_COLUMNS}
        found = entry_problems(values["code"], values["name"], values["province"], values["city"])
        if values["level"] not in {level.value for level in Level}:
            levels = "、".join(level.value for level in Level)
            found.append(FieldError(field="level", message=f"办学层次应为{levels}之一"))
        if values["code"] in seen:
            found.append(
                FieldError(field="code", message=f"学校标识码与第{seen[values['code']]}行重复")
            )
        seen.setdefault(values["code"], line)
        if len(values["name"]) > NAME_MAX:
            found.append(FieldError(field="name", message=f"院校名称不超过{NAME_MAX}个字"))
        for problem in found:
            problems.append(
                FieldError(field=f"rows[{line}].{problem.field}", message=problem.message)
            )
        if not found:
            entries.append(
                Entry(
                    values["code"],
                    values["name"],
                    values["province"],
                    values["city"],
                    Level(values["level"]),
                )
            )
    return ([] if problems else entries), problems
