"""Payment request rules: the per-subject fee, the template, reading the import file."""

from __future__ import annotations

from payment.payment_requests.rules import (
    RequestMode,
    parse_import,
    subject_fees,
    template_csv,
)
from tests.support import id_number


def csv_bytes(*lines: str, encoding: str = "utf-8") -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


class TestSubjectFees:
    def test_fee_is_split_evenly_with_the_remainder_to_the_first_subjects(self):
        assert subject_fees(10000, ["T1", "T2", "T3"]) == {"T1": 3334, "T2": 3333, "T3": 3333}
        assert sum(subject_fees(10001, ["T1", "T2", "T3"]).values()) == 10001

    def test_one_subject_costs_the_whole_fee(self):
        assert subject_fees(12000, ["T1"]) == {"T1": 12000}


class TestIdNumber:
    def test_an_area_code_created_after_the_birth_year_is_read(self):
        # 莱西市 (370285) exists since 1990; people born there earlier hold 370285… numbers.
        number = id_number(7, region="370285", birth="19850612")
        raw = csv_bytes("身份证号,姓名", f"{number},张三")
        rows, errors = parse_import(raw, RequestMode.CERTIFICATE)
        assert errors == []
        assert [r.id_number for r in rows] == [number]

    def test_check_digit_date_and_area_that_never_existed_are_refused(self):
        valid = id_number(1)
        wrong = valid[:-1] + ("0" if valid[-1] != "0" else "1")
        # 1990-02-30, and an area code no county ever had, each with a correct check digit.
        raw = csv_bytes(
            "身份证号,姓名",
            f"{wrong},甲",
            f"{id_number(2, birth='19900230')},乙",
            f"{id_number(3, region='110199')},丙",
            "12345,丁",
        )
        _, errors = parse_import(raw, RequestMode.CERTIFICATE)
        assert [(e.field, e.message) for e in errors] == [
            (f"rows[{line}].id_number", "身份证号不正确") for line in (2, 3, 4, 5)
        ]


class TestTemplate:
    def test_certificate_template_is_utf8_with_bom(self):
        assert template_csv(RequestMode.CERTIFICATE) == "\ufeff身份证号,姓名\r\n".encode()

    def test_subject_template_adds_the_subject_code(self):
        assert template_csv(RequestMode.SUBJECT).decode("utf-8-sig") == "身份证号,姓名,科目代码\r\n"


class TestParse:
    def test_template_round_trip_with_lower_case_x(self):
        raw = template_csv(RequestMode.CERTIFICATE) + f"{id_number(5).lower()},李四\r\n".encode()
        rows, errors = parse_import(raw, RequestMode.CERTIFICATE)
        assert errors == []
        assert [(r.line, r.id_number, r.name) for r in rows] == [(2, id_number(5).upper(), "李四")]

    def test_gbk_files_from_excel_are_read(self):
        raw = csv_bytes("身份证号,姓名", f"{id_number(1)},张三", encoding="gbk")
        rows, errors = parse_import(raw, RequestMode.CERTIFICATE)
        assert errors == [] and rows[0].name == "张三"

    def test_every_bad_line_is_reported_with_its_line_number(self):
        raw = csv_bytes(
            "身份证号,姓名,科目代码",
            f"{id_number(1)},张三,T1",
            "123,李四,T1",
            f"{id_number(2)},,T1",
            f"{id_number(3)},王五,",
            f"{id_number(1)},张三,T1",
            f"{id_number(1)},张三,T2",
        )
        rows, errors = parse_import(raw, RequestMode.SUBJECT)
        assert [(e.field, e.message) for e in errors] == [
            ("rows[3].id_number", "身份证号不正确"),
            ("rows[4].name", "姓名必填"),
            ("rows[5].subject_code", "科目代码必填"),
            ("rows[6].subject_code", "该考生该科目与第 2 行重复"),
        ]
        assert [r.line for r in rows] == [2, 7]

    def test_missing_column_is_a_file_error(self):
        rows, errors = parse_import(csv_bytes("身份证号,姓名", "x,y"), RequestMode.SUBJECT)
        assert rows == []
        assert [(e.field, e.message) for e in errors] == [
            ("file", "表头缺少列：科目代码（请使用下载的模板）")
        ]

    def test_empty_file_is_a_file_error(self):
        _, errors = parse_import(template_csv(RequestMode.CERTIFICATE), RequestMode.CERTIFICATE)
        assert [e.field for e in errors] == ["file"]

    def test_unreadable_bytes_are_a_file_error(self):
        _, errors = parse_import(b"\xff\xfe\x00\x81\x00", RequestMode.CERTIFICATE)
        assert [e.field for e in errors] == ["file"]
