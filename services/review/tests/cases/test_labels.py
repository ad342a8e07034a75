"""The words people read for review's codes."""

from review.cases.labels import level_name, material_label, rejection_text
from review.cases.rules import RejectionCode


class TestLabels:
    def test_a_rejection_without_text_reads_the_standard_reason(self):
        assert rejection_text(RejectionCode.NOT_ELIGIBLE, None) == "不符合所选申报条件"
        assert rejection_text(RejectionCode.NOT_ELIGIBLE, "工作年限不足") == "工作年限不足"

    def test_known_materials_by_name_unknown_by_code(self):
        assert material_label("photo") == "白底证件照"
        assert material_label("driving_licence") == "driving_licence"

    def test_levels_by_their_chinese_names(self):
        assert level_name(2) == "二级/技师"
        assert level_name(7) == "7级"
