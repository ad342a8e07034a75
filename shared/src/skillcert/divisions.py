"""Administrative divisions (行政区划, GB/T 2260) for the address selects and their checks.

The data is python-stdnum's `cn/loc` table (the one `stdnum.cn.ric` checks ID numbers with),
kept up to date upstream from the published code lists, so nothing here is typed by hand. Its
format: a province line (`11 province="北京市"`), then four-digit suffixes whose names carry
their validity (`[1983-2019]桥东区,[2020-]襄都区`); a name without an end year is current.
Pure: no I/O beyond reading that packaged file once. Shared because every service that takes
an address or a region (registration, institution) must agree on the codes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Final

from stdnum import numdb

_VALIDITY: Final = re.compile(r"^\[(\d{4})?-(\d{4})?\](.*)$")
CODE_RE: Final = re.compile(r"^\d{6}$")
# The county-level "市辖区" rows are GB/T 2260 placeholders (the city's urban districts as a
# whole), not something a person lives in; the city-level one of a municipality is kept.
_PLACEHOLDER: Final = "市辖区"


# GB/T 2260's two-letter alphabetic province codes. Staff organisations name their region with
# them: a province admin's is `PROV-<letters>` (`PROV-GX` is Guangxi); the gateway and the
# institution service must read them alike.
PROVINCE_LETTERS: Final[dict[str, str]] = {
    "BJ": "110000", "TJ": "120000", "HE": "130000", "SX": "140000", "NM": "150000",
    "LN": "210000", "JL": "220000", "HL": "230000", "SH": "310000", "JS": "320000",
    "ZJ": "330000", "AH": "340000", "FJ": "350000", "JX": "360000", "SD": "370000",
    "HA": "410000", "HB": "420000", "HN": "430000", "GD": "440000", "GX": "450000",
    "HI": "460000", "CQ": "500000", "SC": "510000", "GZ": "520000", "YN": "530000",
    "XZ": "540000", "SN": "610000", "GS": "620000", "QH": "630000", "NX": "640000",
    "XJ": "650000",
}  # fmt: skip


def province_of_letters(letters: str) -> str | None:
    """The numeric province code of GB/T 2260 letters (`GX` → `450000`), or None."""
    return PROVINCE_LETTERS.get(letters)


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    level: int  # 1 province, 2 city (地级), 3 county (县级)
    parent: str | None
    children: list[str] = field(default_factory=list, compare=False)


def _current_name(raw: str) -> str | None:
    """The name still in force, or None when the division was abolished."""
    for part in reversed(raw.split(",")):
        match = _VALIDITY.match(part)
        if match is None:
            return part
        if match.group(2) is None:
            return match.group(3)
    return None


@cache
def divisions() -> dict[str, Division]:
    """Every current division by code, each knowing its children, in code order."""
    table: dict[str, Division] = {}
    # numdb rows are (length, low, high, properties, children); a range row names one code
    # span with one name, which GB/T 2260 never does, so low == high throughout.
    for _, province, _, props, subtree in numdb.get("cn/loc").prefixes:
        entries = {low: _current_name(p.get("county", "")) for _, low, _, p, _ in subtree}
        own = entries.get("0000")
        table[f"{province}0000"] = Division(f"{province}0000", own or props["province"], 1, None)
        for suffix, current in sorted(entries.items()):
            if current is None or suffix == "0000":
                continue
            code = f"{province}{suffix}"
            if suffix.endswith("00"):
                table[code] = Division(code, current, 2, f"{province}0000")
            elif current != _PLACEHOLDER:
                table[code] = Division(code, current, 3, f"{code[:4]}00")
    for division in list(table.values()):
        parent = table.get(division.parent) if division.parent else None
        if parent is not None and parent.level == division.level - 1:
            parent.children.append(division.code)
        elif division.level > 1:
            del table[division.code]  # orphaned by an abolished parent: unreachable in the form
    return table


def get(code: str | None) -> Division | None:
    return divisions().get(code) if code else None


def provinces() -> list[Division]:
    return [d for d in divisions().values() if d.level == 1]


def children(code: str) -> list[Division] | None:
    """The divisions below `code`, or None when `code` is not a current division."""
    parent = get(code)
    if parent is None:
        return None
    table = divisions()
    return [table[c] for c in parent.children]


def label(*codes: str | None) -> str:
    """`山东省 潍坊市 潍城区` for the codes given (missing ones skipped)."""
    return " ".join(d.name for d in (get(c) for c in codes) if d is not None)


def unknown_code(code: str, level: int) -> str | None:
    """Why `code` cannot be chosen at `level`, in Chinese; None when it can."""
    division = get(code)
    what = {1: "省份", 2: "城市", 3: "区县"}[level]
    if not CODE_RE.match(code) or division is None:
        return f"{what}代码不存在（应为现行GB/T 2260行政区划代码）"
    if division.level != level:
        return f"该代码不是{what}"
    return None


def chain_problem(parent: str, child: str, level: int) -> str | None:
    """`child` (at `level`) must lie in `parent`."""
    division = get(child)
    if division is None or division.parent == parent:
        return None
    return "所选城市不属于所选省份" if level == 2 else "所选区县不属于所选城市"


def needs_child(code: str | None) -> bool:
    """A province or city with divisions below must be narrowed down (Dongguan has none)."""
    division = get(code)
    return division is not None and bool(division.children)
