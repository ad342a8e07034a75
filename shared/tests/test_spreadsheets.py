"""Reading uploaded spreadsheets: CSV in UTF-8 (with or without a BOM) or GBK, .xlsx, every
cell as text, numbers Excel had rounded refused with the cell named."""

from __future__ import annotations

import io

import openpyxl
import pytest

from skillcert.errors import InvalidInput
from skillcert.spreadsheets import SheetLine, csv_template, read_sheet, xlsx_template

COLUMNS = ("证件号码", "姓名")
ID = "110101199003074514"


def read(data: bytes, columns: tuple[str, ...] = COLUMNS, **kwargs: object) -> list[SheetLine]:
    options: dict[str, object] = {"max_bytes": 1024 * 1024, "max_rows": 10} | kwargs
    return read_sheet(
        data,
        columns,
        locate=lambda line, header: f"rows[{line}].{header}",
        **options,  # type: ignore[arg-type]
    )


def refusal(data: bytes, **kwargs: object) -> list[tuple[str, str]]:
    with pytest.raises(InvalidInput) as caught:
        read(data, **kwargs)
    return [(e.field, e.message) for e in caught.value.errors]


def workbook(*rows: tuple[object, ...]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


class TestCsv:
    @pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
    def test_utf8_bom_and_gbk_read_the_same(self, encoding: str):
        data = f"其他,姓名,证件号码\r\n x ,张三,{ID}\r\n".encode(encoding)
        assert read(data) == [SheetLine(2, {"证件号码": ID, "姓名": "张三"})]

    def test_blank_lines_are_skipped_and_line_numbers_kept(self):
        data = f"证件号码,姓名\r\n,\r\n\r\n{ID},李四\r\n{ID}\r\n".encode()
        assert read(data) == [
            SheetLine(4, {"证件号码": ID, "姓名": "李四"}),
            SheetLine(5, {"证件号码": ID, "姓名": ""}),
        ]

    def test_a_number_excel_showed_in_scientific_form_is_refused(self):
        data = "证件号码,姓名\r\n3.70285E+17,张三\r\n1.5E+3,李四\r\n".encode()
        assert refusal(data) == [
            (
                "rows[2].证件号码",
                "第2行第A列（证件号码）：长数字已被 Excel 改写为 3.70285E+17，"
                "请将该列设为文本格式后重新填写",
            )
        ]

    def test_undecodable_bytes_are_a_file_error(self):
        assert [f for f, _ in refusal(b"\xff\xfe\x00\x81\x00")] == ["file"]


class TestXlsx:
    def test_every_cell_is_text(self):
        data = workbook(("姓名", "证件号码"), (123, 370285199001015), (True, 60.0), ("王五", 59.5))
        assert [line.cells for line in read(data)] == [
            {"姓名": "123", "证件号码": "370285199001015"},
            {"姓名": "TRUE", "证件号码": "60"},
            {"姓名": "王五", "证件号码": "59.5"},
        ]

    def test_a_long_number_excel_rounded_is_refused_with_its_cell(self):
        # Typed without the text format, Excel keeps 15 significant digits.
        data = workbook(("姓名", "证件号码"), ("张三", float(ID[:15] + "000")), ("李四", ID))
        assert refusal(data) == [
            (
                "rows[2].证件号码",
                "第2行第B列（证件号码）：长数字已被 Excel 改写为 110101199003074000，"
                "请将该列设为文本格式后重新填写",
            )
        ]

    def test_an_unread_column_may_hold_anything(self):
        data = workbook(("姓名", "证件号码", "备注"), ("张三", ID, 1e20))
        assert read(data)[0].cells == {"证件号码": ID, "姓名": "张三"}

    def test_a_broken_workbook_is_a_file_error(self):
        assert [f for f, _ in refusal(b"PK\x03\x04 not a workbook")] == ["file"]

    def test_csv_is_refused_where_only_excel_is_allowed(self):
        (error,) = refusal(f"证件号码,姓名\r\n{ID},张三\r\n".encode(), csv_allowed=False)
        assert error == ("file", "文件不是 Excel（.xlsx）文件")


class TestFile:
    def test_missing_headings_are_named_in_the_order_asked(self):
        assert refusal("其他\r\n".encode()) == [
            ("file", "表头缺少列：证件号码、姓名（请使用下载的模板）")
        ]

    def test_an_optional_heading_may_be_left_out_and_reads_empty(self):
        without = f"证件号码,姓名\r\n{ID},张三\r\n".encode()
        assert read(without, optional=("参考对象",)) == [
            SheetLine(2, {"证件号码": ID, "姓名": "张三", "参考对象": ""})
        ]
        given = f"姓名,参考对象,证件号码\r\n张三,甲方向,{ID}\r\n".encode()
        assert read(given, optional=("参考对象",)) == [
            SheetLine(2, {"证件号码": ID, "姓名": "张三", "参考对象": "甲方向"})
        ]

    def test_empty_oversized_and_too_long_files_are_refused(self):
        assert refusal(b"") == [("file", "文件为空")]
        assert refusal(b"x" * (2 * 1024 * 1024 + 1), max_bytes=2 * 1024 * 1024) == [
            ("file", "文件不能超过 2MB")
        ]
        lines = "证件号码,姓名\r\n" + f"{ID},张三\r\n" * 3
        assert refusal(lines.encode(), max_rows=2) == [("file", "一次最多导入 2 行，请分批导入")]
        assert len(read(lines.encode(), max_rows=3)) == 3


class TestTemplates:
    def test_csv_template_is_the_header_in_utf8_with_a_bom(self):
        assert csv_template(COLUMNS) == "\ufeff证件号码,姓名\r\n".encode()
        assert read(csv_template(COLUMNS)) == []

    def test_xlsx_template_reads_back_with_text_columns(self):
        data = xlsx_template("考生", COLUMNS, text_columns=["证件号码"], choices={"姓名": ("甲",)})
        book = openpyxl.load_workbook(io.BytesIO(data))
        sheet = book.worksheets[0]
        assert sheet.title == "考生"
        assert sheet.column_dimensions["A"].number_format == "@"
        assert read(data) == []
