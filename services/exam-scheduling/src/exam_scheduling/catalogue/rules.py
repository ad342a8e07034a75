"""The seeded catalogue: the three occupations of the Beijing level-1 guide (seed 004) and the
five skill levels (职业技能等级). No I/O."""

from __future__ import annotations

# National occupation classification codes (职业分类大典); the seed names the occupations only.
DEFAULT_OCCUPATIONS: dict[str, str] = {
    "4-01-02-02": "电子商务师",
    "4-02-06-03": "供应链管理师",
    "4-01-02-07": "互联网营销师",
}

DEFAULT_LEVELS: dict[int, str] = {
    1: "一级/高级技师",
    2: "二级/技师",
    3: "三级/高级工",
    4: "四级/中级工",
    5: "五级/初级工",
}
