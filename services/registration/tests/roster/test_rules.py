from datetime import date

from registration.forms.rules import ID_TYPES
from registration.roster.rules import (
    HEADERS,
    duplicate_key,
    enrolment_year_problem,
    label_to_code,
    row_field,
    row_message,
)

TODAY = date(2026, 3, 1)


class TestEnrolmentYear:
    def test_this_year_and_the_years_before_are_fine(self):
        assert enrolment_year_problem(2026, TODAY) is None
        assert enrolment_year_problem(2006, TODAY) is None

    def test_a_year_to_come_is_refused(self):
        assert enrolment_year_problem(2027, TODAY) == "入学年份不能晚于当前年份（2026年）"

    def test_implausibly_long_ago_is_refused(self):
        assert enrolment_year_problem(2005, TODAY) == "入学年份不能早于2006年"


class TestTemplateColumns:
    def test_headers_in_template_order(self):
        assert HEADERS == (
            "姓名",
            "姓名拼音",
            "证件类型",
            "证件号码",
            "手机号码",
            "就读专业",
            "专业层次",
            "入学年份",
            "考生类型",
        )

    def test_row_problem_names_line_and_column(self):
        assert row_field(7, "phone") == "rows[7].phone"
        assert row_message(7, "phone", "格式不正确") == "第7行“手机号码”：格式不正确"


class TestOptions:
    def test_label_or_code(self):
        assert label_to_code(ID_TYPES, " 护照 ") == "passport"
        assert label_to_code(ID_TYPES, "passport") == "passport"
        assert label_to_code(ID_TYPES, "驾驶证") is None

    def test_duplicates_ignore_spacing_and_case(self):
        assert duplicate_key(" 11010119900307451x ") == duplicate_key("110101 19900307451X")
