"""The seeded catalogue as data: occupations with their classification codes, the five skill
levels, the related-occupation lists (相关职业) of seeds 001 and 004 and their exceptions, and the
pure rule that turns them into the list a plan condition carries. No I/O.

Codes. `code` is the platform's key. The occupations certified here kept the keys they were
launched with, the codes of the 2015 中华人民共和国职业分类大典 as amended in 2019–2020
(电子商务师 4-01-02-02, 互联网营销师 4-01-02-07, 供应链管理师 4-02-06-05); every other occupation
is keyed by its code in the 2022 edition, which is also kept as `national_code` for all of them
(the 2022 edition moved 电子商务师 and 互联网营销师 to 4-01-06-01 and 4-01-06-02).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

DEFAULT_LEVELS: dict[int, str] = {
    1: "一级/高级技师",
    2: "二级/技师",
    3: "三级/高级工",
    4: "四级/中级工",
    5: "五级/初级工",
}

ECOMMERCE = "4-01-02-02"
SUPPLY_CHAIN = "4-02-06-05"
INTERNET_MARKETING = "4-01-02-07"

#: The key 供应链管理师 had before the related occupations were seeded; 4-02-06-03 is the
#: national code of 物流服务师 (a related occupation in seed 001), so the migration moved it.
LEGACY_SUPPLY_CHAIN = "4-02-06-03"


@dataclass(frozen=True)
class OccupationSeed:
    code: str
    name: str
    national_code: str
    #: Plans can be opened for it (the certificates this platform issues); the others are in the
    #: catalogue only as someone's related occupation.
    certified: bool = False


def _o(code: str, name: str) -> OccupationSeed:
    return OccupationSeed(code, name, code)


DEFAULT_OCCUPATIONS: tuple[OccupationSeed, ...] = (
    OccupationSeed(ECOMMERCE, "电子商务师", "4-01-06-01", certified=True),
    OccupationSeed(SUPPLY_CHAIN, "供应链管理师", "4-02-06-05", certified=True),
    OccupationSeed(INTERNET_MARKETING, "互联网营销师", "4-01-06-02", certified=True),
    # 4-01 批发与零售服务人员
    _o("4-01-01-00", "采购员"),
    _o("4-01-02-01", "营销员"),
    _o("4-01-02-03", "商品营业员"),
    _o("4-01-02-04", "收银员"),
    _o("4-01-02-05", "摊商"),
    _o("4-01-02-06", "连锁经营管理师"),
    _o("4-01-03-03", "易货师"),
    # 4-02 交通运输、仓储物流和邮政业服务人员
    _o("4-02-01-05", "铁路车站货运服务员"),
    _o("4-02-02-02", "道路货运汽车驾驶员"),
    _o("4-02-02-04", "道路货运业务员"),
    _o("4-02-05-01", "装卸搬运工"),
    _o("4-02-05-02", "客运售票员"),
    _o("4-02-05-03", "货运代理服务员"),
    _o("4-02-05-04", "危险货物运输作业员"),
    _o("4-02-06-01", "仓储管理员"),
    _o("4-02-06-02", "理货员"),
    _o("4-02-06-03", "物流服务师"),
    _o("4-02-06-04", "冷藏工"),
    _o("4-02-07-01", "邮政营业员"),
    _o("4-02-07-02", "邮件分拣员"),
    _o("4-02-07-03", "邮件转运员"),
    _o("4-02-07-04", "邮政投递员"),
    _o("4-02-07-05", "报刊业务员"),
    _o("4-02-07-06", "集邮业务员"),
    _o("4-02-07-07", "邮政市场业务员"),
    _o("4-02-07-08", "快递员"),
    _o("4-02-07-09", "快件处理员"),
    _o("4-02-07-10", "国际快递业务师"),
    _o("4-02-07-11", "快递站点管理师"),
    # services, design, culture
    _o("4-04-05-03", "呼叫中心服务员"),
    _o("4-07-02-03", "客户服务管理员"),
    _o("4-07-04-01", "导游"),
    _o("4-07-07-02", "装饰美工"),
    _o("4-08-08-08", "广告设计师"),
    _o("4-08-08-21", "会展设计师"),
    _o("4-08-09-01", "商业摄影师"),
    _o("4-10-08-01", "网约配送员"),
    _o("4-13-01-03", "讲解员"),
    _o("4-13-01-04", "文化经纪人"),
    _o("4-13-01-05", "全媒体运营师"),
    # 2 专业技术人员, 3 办事人员, 6 生产制造
    _o("2-02-30-09", "数据分析处理工程技术人员"),
    _o("2-06-07-02", "市场营销专业人员"),
    _o("2-06-07-03", "商务策划专业人员"),
    _o("2-06-07-04", "品牌专业人员"),
    _o("2-06-07-05", "会展策划专业人员"),
    _o("2-06-07-08", "管理咨询专业人员"),
    _o("2-06-07-11", "经纪与代理专业人员"),
    _o("2-06-07-13", "数字化管理师"),
    _o("2-09-04-07", "演出监督"),
    _o("2-09-06-07", "数字媒体艺术专业人员"),
    _o("2-09-06-09", "陈列展览设计人员"),
    _o("2-10-02-05", "网络编辑"),
    _o("2-10-04-01", "播音员"),
    _o("2-10-04-02", "节目主持人"),
    _o("3-01-02-07", "制图员"),
    _o("6-08-01-01", "印前处理和制作员"),
)

#: The source documents a relation or exception comes from (seeds/README.md).
SOURCES: dict[str, str] = {
    "seed-001": "（广西）电子商务师职业技能等级证书（一级）报考指南",
    "seed-004": "（北京）职业技能等级证书（一级）报考指南",
}

# The groups the seeds name instead of single occupations, as the occupations of the catalogue
# they stand for. 销售员 is the minor group 4-01-02 销售人员, which in the 2015 edition holds
# 电子商务师 and 互联网营销师 too; that is what the 004 exception takes 电子商务师 out of.
_SALES = (
    "4-01-02-01",
    ECOMMERCE,
    "4-01-02-03",
    "4-01-02-04",
    "4-01-02-05",
    "4-01-02-06",
    INTERNET_MARKETING,
)
_WAREHOUSING = ("4-02-06-01", "4-02-06-02", "4-02-06-03", "4-02-06-04")
_HANDLING = ("4-02-05-01", "4-02-05-02", "4-02-05-03", "4-02-05-04")
_POSTAL = tuple(f"4-02-07-{n:02d}" for n in range(1, 12))
# Only the 2022 occupations that are explicitly about freight; water and air freight have no
# occupation of their own there, so reviewers judge those certificates by hand.
_FREIGHT = ("4-02-01-05", "4-02-02-02", "4-02-02-04")

# One entry per item of a seed's list: (as the seed writes it, the codes it stands for).
_ECOMMERCE_RELATED: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("营销员", ("4-01-02-01",)),
    ("商品营业员", ("4-01-02-03",)),
    ("摊商", ("4-01-02-05",)),
    ("互联网营销师", (INTERNET_MARKETING,)),
    ("连锁经营管理师", ("4-01-02-06",)),
    ("采购员", ("4-01-01-00",)),
    ("市场营销专业人员", ("2-06-07-02",)),
    ("商务策划专业人员", ("2-06-07-03",)),
    ("全媒体运营师", ("4-13-01-05",)),
    ("数字化管理师", ("2-06-07-13",)),
    ("广告设计师", ("4-08-08-08",)),
    ("商业摄影师", ("4-08-09-01",)),
    ("客户服务管理员", ("4-07-02-03",)),
    ("呼叫中心服务员", ("4-04-05-03",)),
    ("网约配送员", ("4-10-08-01",)),
    ("易货师", ("4-01-03-03",)),
)

RELATED: dict[tuple[str, str], tuple[tuple[str, tuple[str, ...]], ...]] = {
    # 001 writes 物流服务师, the national name; 004 writes 物流服务员 for the same occupation.
    (ECOMMERCE, "seed-001"): (*_ECOMMERCE_RELATED, ("物流服务师", ("4-02-06-03",))),
    (ECOMMERCE, "seed-004"): (*_ECOMMERCE_RELATED, ("物流服务员", ("4-02-06-03",))),
    (SUPPLY_CHAIN, "seed-004"): (
        ("采购员", ("4-01-01-00",)),
        ("销售员", _SALES),
        ("仓储员", _WAREHOUSING),
        ("装卸搬运和运输代理服务人员", _HANDLING),
        ("邮政和快递服务人员", _POSTAL),
        ("轨道、道路、航空、水上货物运输人员", _FREIGHT),
    ),
    (INTERNET_MARKETING, "seed-004"): (
        ("电子商务师", (ECOMMERCE,)),
        ("营销员", ("4-01-02-01",)),
        ("市场营销专业人员", ("2-06-07-02",)),
        ("商务策划专业人员", ("2-06-07-03",)),
        ("广告设计师", ("4-08-08-08",)),
        ("品牌专业人员", ("2-06-07-04",)),
        ("文化经纪人", ("4-13-01-04",)),
        ("播音员", ("2-10-04-01",)),
        ("讲解员", ("4-13-01-03",)),
        ("节目主持人", ("2-10-04-02",)),
        ("数字媒体艺术专业人员", ("2-09-06-07",)),
        ("网络编辑", ("2-10-02-05",)),
        ("摊商", ("4-01-02-05",)),
        # The seed's 经济与代理专业人员 is the OCR of the national 经纪与代理专业人员.
        ("经济与代理专业人员", ("2-06-07-11",)),
        ("管理咨询专业人员", ("2-06-07-08",)),
        ("数据分析处理工程技术人员", ("2-02-30-09",)),
        ("装饰美工", ("4-07-07-02",)),
        ("印前处理和制作员", ("6-08-01-01",)),
        ("制图员", ("3-01-02-07",)),
        ("商业摄影师", ("4-08-09-01",)),
        ("演出监督", ("2-09-04-07",)),
        ("陈列展览设计人员", ("2-09-06-09",)),
        ("导游", ("4-07-04-01",)),
        ("会展策划专业人员", ("2-06-07-05",)),
        ("会展设计师", ("4-08-08-21",)),
    ),
}


@dataclass(frozen=True)
class ExceptionSeed:
    occupation_code: str
    related_code: str
    source: str
    reason: str


EXCEPTIONS: tuple[ExceptionSeed, ...] = (
    ExceptionSeed(
        SUPPLY_CHAIN,
        ECOMMERCE,
        "seed-004",
        "根据新规程报考条件要求、结合海淀区鉴定中心意见，目前电子商务师暂不可作为供应链管理师相关职业",
    ),
)


@dataclass(frozen=True)
class RelationSeed:
    occupation_code: str
    related_code: str
    source: str
    listed_as: str


def relation_seeds() -> list[RelationSeed]:
    """One row per (occupation, related occupation, source); an occupation is never its own
    related occupation (本职业 is a separate clause of every condition)."""
    rows: dict[tuple[str, str, str], RelationSeed] = {}
    for (occupation, source), items in RELATED.items():
        for listed_as, codes in items:
            for code in codes:
                if code != occupation:
                    rows.setdefault(
                        (occupation, code, source),
                        RelationSeed(occupation, code, source, listed_as),
                    )
    return list(rows.values())


def effective_related(related: Iterable[str], excluded: Iterable[str]) -> list[str]:
    """The related occupation codes that count: every source's list, minus the exceptions,
    each once, in code order so a filled condition reads the same every time."""
    return sorted(set(related) - set(excluded))
