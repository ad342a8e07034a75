"""The resident ID check (GB 11643-1999) shared by registration, review and payment."""

from __future__ import annotations

from datetime import date

import pytest

from skillcert.resident_id import birth_date, compact, is_resident_id, resident_id_problem

TODAY = date(2026, 12, 7)
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def genuine(area: str, born: str, sequence: str = "123") -> str:
    """A number as the public security bureau issues it: ISO 7064 MOD 11-2 check character."""
    body = area + born + sequence
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, _WEIGHTS, strict=True)) % 11]


class TestGenuineNumbers:
    @pytest.mark.parametrize(
        ("area", "born"),
        [
            ("110101", "20010910"),  # 北京东城区, in the table without dates
            ("110229", "19900307"),  # 北京延庆县 1982-2015: abolished later, the number stays
            ("320583", "19680808"),  # 江苏昆山市, created 1989
            ("370285", "19850612"),  # 山东莱西市, created 1990
            ("441900", "19650228"),  # 广东东莞市, created 1988
            ("130682", "19700101"),  # 河北定州市, created 1994
            ("650102", "19550505"),  # 新疆乌鲁木齐天山区, created 1983
            ("510185", "19781111"),  # 四川简阳市, created 2016
            ("460400", "19920301"),  # 海南儋州市, created 2015
        ],
    )
    def test_the_area_code_may_be_younger_than_its_holder(self, area: str, born: str):
        number = genuine(area, born)
        assert resident_id_problem(number, TODAY) is None
        assert is_resident_id(number, TODAY)

    def test_the_check_character_x_is_read_in_either_case(self):
        number = genuine("110101", "20010910")
        assert number.endswith("X")
        assert is_resident_id(compact(f" {number.lower()} "), TODAY)


class TestRefused:
    @pytest.mark.parametrize("area", ["110199", "990101", "000000"])
    def test_an_area_code_that_never_existed(self, area: str):
        assert resident_id_problem(genuine(area, "19900101"), TODAY) == (
            "身份证号码中的地区代码不存在，请核对"
        )

    def test_a_wrong_check_character(self):
        number = genuine("370285", "19850612")
        wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
        assert resident_id_problem(wrong, TODAY) == "身份证号码校验位不正确，请核对后重新输入"

    @pytest.mark.parametrize("born", ["19900230", "18991231", "19901301"])
    def test_a_birth_date_that_is_no_date(self, born: str):
        assert resident_id_problem(genuine("110101", born), TODAY) == "身份证号码中的出生日期无效"

    def test_a_birth_date_after_today(self):
        tomorrow = genuine("110101", "20261208")
        assert resident_id_problem(tomorrow, TODAY) == "身份证号码中的出生日期晚于今天，请核对"
        assert is_resident_id(genuine("110101", "20261207"), TODAY)

    @pytest.mark.parametrize("number", ["", "12345", "11010119900307451", "1101011990030745Y"])
    def test_wrong_length_or_characters(self, number: str):
        assert resident_id_problem(number, TODAY) == "身份证号码应为18位（最后一位可为X）"


def test_birth_date():
    assert birth_date(genuine("370285", "19850612")) == date(1985, 6, 12)
    assert birth_date(genuine("370285", "19850632")) is None
