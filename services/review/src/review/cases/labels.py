"""The words candidates and reviewers read for codes: rejection reasons, material kinds,
certificate levels."""

from __future__ import annotations

from review.cases.rules import RejectionCode

# --- rejection reasons (驳回原因) ------------------------------------------------------------

# The standard text a candidate reads when the reviewer gives no text of their own.
REJECTION_LABELS: dict[RejectionCode, str] = {
    RejectionCode.MATERIALS_INCOMPLETE: "申报材料不齐全，请按所选申报条件补充上传",
    RejectionCode.PHOTO_INVALID: "照片不符合要求（白底证件照，JPG 格式，40–80 KB）",
    RejectionCode.NOT_ELIGIBLE: "不符合所选申报条件",
    RejectionCode.ID_MISMATCH: "身份证件信息与上传的证件照片不一致",
    RejectionCode.INFO_INCORRECT: "报名信息填写有误",
    RejectionCode.OTHER: "其他原因",
}


def rejection_text(code: RejectionCode, text: str | None) -> str:
    return text or REJECTION_LABELS[code]


# --- materials ------------------------------------------------------------------------------

# Labels of the material kinds the seeds name; an unknown kind is shown by its code.
MATERIAL_LABELS: dict[str, str] = {
    "id_front": "身份证人像面",
    "id_back": "身份证国徽面",
    "photo": "白底证件照",
    "application_form": "职业技能等级认定申请表",
    "prior_certificate": "原职业技能等级证书",
    "work_pledge": "工作年限承诺书",
    "diploma": "学历证书",
    "education_pledge": "学历承诺书",
}


def material_label(kind: str) -> str:
    return MATERIAL_LABELS.get(kind, kind)


# --- certificate levels (等级) ------------------------------------------------------------

LEVEL_NAMES: dict[int, str] = {
    1: "一级/高级技师",
    2: "二级/技师",
    3: "三级/高级工",
    4: "四级/中级工",
    5: "五级/初级工",
}


def level_name(level: int) -> str:
    return LEVEL_NAMES.get(level, f"{level}级")
