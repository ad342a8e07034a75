"""The option lists of the registration form (报名表单). Values are what the API accepts and
stores; where a national standard fixes the list, it is reproduced with its codes. Pure."""

from __future__ import annotations

from typing import Final

from skillcert.events import MATERIAL_KINDS

#: GB 3304-1991 民族名称的罗马字母拼写和代码: the 56 ethnic groups, in code order (01–56).
ETHNIC_GROUPS: Final[tuple[str, ...]] = (
    "汉族", "蒙古族", "回族", "藏族", "维吾尔族", "苗族", "彝族", "壮族", "布依族", "朝鲜族",
    "满族", "侗族", "瑶族", "白族", "土家族", "哈尼族", "哈萨克族", "傣族", "黎族", "傈僳族",
    "佤族", "畲族", "高山族", "拉祜族", "水族", "东乡族", "纳西族", "景颇族", "柯尔克孜族",
    "土族", "达斡尔族", "仫佬族", "羌族", "布朗族", "撒拉族", "毛南族", "仡佬族", "锡伯族",
    "阿昌族", "普米族", "塔吉克族", "怒族", "乌孜别克族", "俄罗斯族", "鄂温克族", "德昂族",
    "保安族", "裕固族", "京族", "塔塔尔族", "独龙族", "鄂伦春族", "赫哲族", "门巴族", "珞巴族",
    "基诺族",
)  # fmt: skip

#: GB/T 4762-1984 政治面貌代码 (codes 01–13). The seed's form calls the field 党派, optional.
POLITICAL_STATUSES: Final[tuple[str, ...]] = (
    "中国共产党党员",
    "中国共产党预备党员",
    "中国共产主义青年团团员",
    "中国国民党革命委员会会员",
    "中国民主同盟盟员",
    "中国民主建国会会员",
    "中国民主促进会会员",
    "中国农工民主党党员",
    "中国致公党党员",
    "九三学社社员",
    "台湾民主自治同盟盟员",
    "无党派民主人士",
    "群众",
)

#: 文化程度, highest first; the seed's sample shows 本科. Modelled on GB/T 4658 as the
#: certification forms use it (专科 is 大专 there).
EDUCATION_LEVELS: Final[tuple[str, ...]] = (
    "博士研究生",
    "硕士研究生",
    "本科",
    "大专",
    "中专",
    "技工学校",
    "职业高中",
    "普通高中",
    "初中",
    "小学及以下",
)

#: 企业类型 of the work unit (step 3 dropdown); the registration-type groups of the
#: statistical classification, plus public bodies, which employ many candidates too.
ENTERPRISE_TYPES: Final[tuple[str, ...]] = (
    "国有企业",
    "集体企业",
    "股份合作企业",
    "有限责任公司",
    "股份有限公司",
    "私营企业",
    "个体工商户",
    "港澳台商投资企业",
    "外商投资企业",
    "机关事业单位",
    "社会组织",
    "其他",
)

#: 鉴定分类: the seed shows 考核鉴定 preselected.
ASSESSMENT_CATEGORIES: Final[tuple[str, ...]] = ("考核鉴定", "补考")
DEFAULT_ASSESSMENT_CATEGORY: Final = "考核鉴定"

#: 考生来源 (required in the seed, which shows 社会人员).
CANDIDATE_SOURCES: Final[tuple[str, ...]] = (
    "社会人员",
    "企业职工",
    "院校学生",
    "院校教师",
    "其他",
)

GENDERS: Final[dict[str, str]] = {"male": "男", "female": "女"}
IDENTITIES: Final[dict[str, str]] = {
    "teacher": "教师身份",
    "student": "学生身份",
    "employee": "职工身份",
}
ID_TYPES: Final[dict[str, str]] = {
    "resident_id": "居民身份证",
    "hk_macao_permit": "港澳居民来往内地通行证",
    "taiwan_permit": "台湾居民来往大陆通行证",
    "passport": "护照",
    "foreign_permanent_resident": "外国人永久居留身份证",
}
LEVELS: Final[dict[int, str]] = {
    1: "一级/高级技师",
    2: "二级/技师",
    3: "三级/高级工",
    4: "四级/中级工",
    5: "五级/初级工",
}
MATERIALS: Final[dict[str, str]] = dict(MATERIAL_KINDS)


def standard_code(values: tuple[str, ...], value: str) -> str:
    """The two-digit code of `value` in a coded national list (GB 3304, GB/T 4762)."""
    return f"{values.index(value) + 1:02d}"


def not_an_option(values: tuple[str, ...], value: str, what: str) -> str | None:
    return None if value in values else f"{what}不是可选项，请从列表中选择"
