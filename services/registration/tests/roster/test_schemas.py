from typing import Any

import pytest
from pydantic import ValidationError

from registration.roster.schemas import RosterStudentIn
from tests.roster.support import student_id


def student(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "student_type": "社会考生",
        "name": " 李四 ",
        "name_pinyin": " LI   Si ",
        "id_number": student_id(1).lower(),
        "phone": "138 1234 5678",
    }
    values.update(overrides)
    return values


def problems(**overrides: Any) -> dict[str, str]:
    with pytest.raises(ValidationError) as raised:
        RosterStudentIn.model_validate(student(**overrides))
    return {".".join(map(str, e["loc"])): e["msg"] for e in raised.value.errors()}


class TestRosterStudentIn:
    def test_normalises_what_teachers_type(self):
        parsed = RosterStudentIn.model_validate(student())
        assert parsed.student_type == "social"
        assert parsed.id_type == "resident_id"
        assert parsed.id_number == student_id(1)
        assert (parsed.name, parsed.name_pinyin, parsed.phone) == ("李四", "LI Si", "13812345678")
        assert (parsed.major, parsed.major_level, parsed.enrolment_year) == (None, None, None)

    def test_labels_and_aliases_of_the_options(self):
        parsed = RosterStudentIn.model_validate(
            student(
                student_type="院校考生",
                id_type="身份证",
                major="物流管理",
                major_level="中职",
                enrolment_year="2024",
            )
        )
        assert (parsed.student_type, parsed.id_type) == ("institution", "resident_id")

    def test_other_id_types_are_checked_as_on_the_form(self):
        parsed = RosterStudentIn.model_validate(student(id_type="护照", id_number="e1234567"))
        assert parsed.id_number == "E1234567"
        assert problems(id_type="护照", id_number="E-1") == {
            "id_number": "证件号码应为5至30位字母或数字"
        }

    def test_school_students_need_their_studies(self):
        assert problems(student_type="institution") == {
            "major": "院校考生须填写此项",
            "major_level": "院校考生须填写此项",
            "enrolment_year": "院校考生须填写此项",
        }

    def test_bad_values_in_chinese(self):
        found = problems(
            student_type="教师",
            name_pinyin="李四",
            enrolment_year="24",
            major_level="硕士",
        )
        assert found["student_type"] == "考生类型应为：院校考生、社会考生"
        assert found["name_pinyin"].startswith("姓名拼音只能包含字母")
        assert found["enrolment_year"] == "入学年份应为四位数字年份，如 2023"
        assert found["major_level"].startswith("专业层次不是可选项")
