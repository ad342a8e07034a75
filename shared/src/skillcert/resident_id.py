"""Resident ID numbers (居民身份证号码, GB 11643-1999): the one check every service applies.

python-stdnum's `stdnum.cn.ric` does the arithmetic (length, check digit, birth date). Its
place check is not used: `get_birth_place` requires the area code to have existed in the
holder's birth year, but a number carries the code in force when it was issued, at any time
after birth (莱西市, 370285, exists since 1990: someone born there in 1985 holds 370285…). An
area code is refused here only when it never existed in stdnum's table of codes (`cn/loc`).
"""

from __future__ import annotations

from datetime import date
from typing import Final

from stdnum import numdb
from stdnum.cn import ric
from stdnum.exceptions import InvalidComponent

from skillcert.clock import china_today

#: Nobody alive was born earlier; an earlier year is a typing error.
MIN_BIRTH_YEAR: Final = 1900


def compact(number: str) -> str:
    """Spaces around removed, the check character X in upper case."""
    return ric.compact(number)


def area_code_existed(code: str) -> bool:
    """Whether the six-digit administrative division code was ever assigned to a county."""
    found = {
        key: value for _, part in numdb.get("cn/loc").info(code) for key, value in part.items()
    }
    return bool(found.get("county"))


def birth_date(number: str) -> date | None:
    """The birth date an 18-character number encodes, None when it is no date."""
    try:
        return ric.get_birth_date(number)
    except (InvalidComponent, ValueError):
        return None


def resident_id_problem(number: str, today: date | None = None) -> str | None:
    """Why `number` (compacted) is not a resident ID number, in Chinese; None when it is.
    `today` (China's calendar day when omitted) bounds the birth date."""
    if len(number) != 18 or not number[:17].isdigit() or number[17] not in "0123456789X":
        return "身份证号码应为18位（最后一位可为X）"
    if ric.calc_check_digit(number) != number[17]:
        return "身份证号码校验位不正确，请核对后重新输入"
    born = birth_date(number)
    if born is None or born.year < MIN_BIRTH_YEAR:
        return "身份证号码中的出生日期无效"
    if born > (today or china_today()):
        return "身份证号码中的出生日期晚于今天，请核对"
    if not area_code_existed(number[:6]):
        return "身份证号码中的地区代码不存在，请核对"
    return None


def is_resident_id(number: str, today: date | None = None) -> bool:
    return resident_id_problem(number, today) is None
