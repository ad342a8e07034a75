"""Institution sign-up (注册账号, seed 003 §1.1.2): what must match the official list, and the
head's login name. Pure: no I/O."""

from __future__ import annotations

from typing import Final

from skillcert.errors import FieldError

#: The SMS-code purpose whose phone proof a sign-up takes (the gateway's sign-up codes).
PROOF_PURPOSE: Final = "register"
ALREADY_REGISTERED: Final = (
    "该院校已注册，每所院校只有一个负责人账号；如需更换负责人，请联系省级教育行政部门"
)


def head_username(institution_code: str) -> str:
    """The head's login name: the institution code behind a letter (the gateway's login names
    start with one), so the name tells which institution it signs in for."""
    return f"i{institution_code}"


def mismatch_problems(
    listed: tuple[str, str, str] | None, province: str, city: str, name: str
) -> list[FieldError]:
    """Why the chosen province, city and typed name do not name the listed institution
    (`listed`: its province, city and name; None when the code is not in the list)."""
    if listed is None:
        return [FieldError(field="institution_code", message="院校不在教育部院校名单中")]
    listed_province, listed_city, listed_name = listed
    problems: list[FieldError] = []
    if province != listed_province:
        problems.append(FieldError(field="province", message="该院校不在所选省份"))
    elif city != listed_city:
        problems.append(FieldError(field="city", message="该院校不在所选城市"))
    if name.strip() != listed_name:
        problems.append(
            FieldError(field="institution_name", message="院校名称须与名单中的名称完全一致")
        )
    return problems
