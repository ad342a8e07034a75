"""Base info (完善院校基础信息, seed 003 §1.1.3 第一步): what it holds and how each field is
checked. Pure: no I/O."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Final

from stdnum.cn import uscc

from skillcert import divisions
from skillcert.errors import FieldError

PHONE_RE: Final = re.compile(r"^1[3-9]\d{9}$")


class InstitutionType(StrEnum):
    """院校类型 as the base-info form offers it."""

    UNDERGRADUATE = "本科院校"
    HIGHER_VOCATIONAL = "高职院校"
    SECONDARY_VOCATIONAL = "中职学校"
    TECHNICIAN = "技工院校"
    OTHER = "其他"


def credit_code_problem(code: str) -> str | None:
    """统一社会信用代码 (GB 32100-2015): 18 characters with its check character."""
    if not uscc.is_valid(code):
        return "统一社会信用代码不正确（应为18位，末位为校验码）"
    return None


def address_problems(province: str, city: str, county: str | None) -> list[FieldError]:
    """单位所在地 as registration's addresses: a current province, a city in it, and a county
    in the city where the city has counties."""
    problems: list[FieldError] = []
    if why := divisions.unknown_code(province, 1):
        return [FieldError(field="address.province", message=why)]
    why = divisions.unknown_code(city, 2) or divisions.chain_problem(province, city, 2)
    if why:
        return [FieldError(field="address.city", message=why)]
    if county is None:
        if divisions.needs_child(city):
            problems.append(FieldError(field="address.county", message="请选择区县"))
    elif why := divisions.unknown_code(county, 3) or divisions.chain_problem(city, county, 3):
        problems.append(FieldError(field="address.county", message=why))
    return problems
