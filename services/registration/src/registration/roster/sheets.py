"""The roster's spreadsheets: reading an uploaded CSV or Excel file into lines of text cells,
and writing the import template. Bytes in, bytes out; no database, no domain checks."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator
from typing import Any, Final

import openpyxl
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

from skillcert.errors import FieldError, InvalidInput

XLSX_MEDIA_TYPE: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Columns read from a workbook; the template has far fewer.
MAX_COLUMNS: Final = 50
#: Beyond 2**53 a number-typed cell has been rounded by Excel: a long ID is lost.
_EXACT_FLOAT_LIMIT: Final = 2**53
#: Rows of the template's dropdowns.
_TEMPLATE_ROWS: Final = 5001


class InexactNumber(str):
    """A cell Excel stored as a number too long to be exact (an ID typed without the text
    format): the digits are no longer what was typed."""

    __slots__ = ()


def file_error(message: str) -> InvalidInput:
    return InvalidInput(message, errors=[FieldError(field="file", message=message)])


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            if abs(value) >= _EXACT_FLOAT_LIMIT:
                return InexactNumber(str(int(value)))
            return str(int(value))
        return str(value)
    return str(value)


def _decode(data: bytes) -> str | None:
    # Excel in China saves CSV as GBK (GB 18030 covers it); the template is UTF-8 with a BOM.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _workbook_lines(data: bytes) -> Iterator[list[str]]:
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise file_error("无法读取 Excel 文件，请使用下载的模板（.xlsx）") from exc
    try:
        sheet = workbook.worksheets[0]
        width = min(sheet.max_column or MAX_COLUMNS, MAX_COLUMNS)
        for row in sheet.iter_rows(max_col=width, values_only=True):
            yield [_cell_text(value) for value in row]
    finally:
        workbook.close()


def _csv_lines(data: bytes) -> Iterator[list[str]]:
    text = _decode(data)
    if text is None:
        raise file_error("文件编码无法识别，请将模板另存为 CSV（UTF-8）或 Excel 文件")
    try:
        yield from csv.reader(io.StringIO(text))
    except csv.Error as exc:
        raise file_error("CSV 文件格式有误，请使用下载的模板") from exc


def read_table(data: bytes, max_bytes: int, max_rows: int) -> list[list[str]]:
    """The lines of an uploaded CSV (UTF-8 or GBK) or Excel (.xlsx) file, header first, blank
    lines kept so that positions are the spreadsheet's line numbers. At most `max_rows` lines
    that are not blank after the header."""
    if not data:
        raise file_error("文件为空")
    if len(data) > max_bytes:
        raise file_error(f"文件不能超过 {max_bytes // (1024 * 1024)}MB")
    source = _workbook_lines(data) if data.startswith(b"PK\x03\x04") else _csv_lines(data)
    lines: list[list[str]] = []
    filled = 0
    blank_run = 0
    for cells in source:
        lines.append(cells)
        if any(cell.strip() for cell in cells):
            filled += 1
            blank_run = 0
            if filled > max_rows + 1:
                raise file_error(f"一次最多导入 {max_rows} 名考生，请分批导入")
        else:
            # A sheet may declare a million formatted, empty rows: stop well after the data.
            blank_run += 1
            if blank_run > max_rows:
                break
    return lines


def csv_template(header: Iterable[str]) -> bytes:
    """The header line, UTF-8 with a BOM so that Excel opens it with the Chinese intact."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(list(header))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_template(
    title: str,
    header: tuple[str, ...],
    text_columns: Iterable[str] = (),
    choices: dict[str, tuple[str, ...]] | None = None,
) -> bytes:
    """A workbook with the header row in bold, `text_columns` formatted as text (so IDs and
    phones keep their digits) and a dropdown of the given choices under those headers."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title
    sheet.append(list(header))
    sheet.freeze_panes = "A2"
    texts = set(text_columns)
    for position, name in enumerate(header, start=1):
        letter = get_column_letter(position)
        sheet.cell(row=1, column=position).font = Font(bold=True)
        sheet.column_dimensions[letter].width = 22 if name in texts else 14
        if name in texts:  # a column style: Excel formats what is typed there as text
            sheet.column_dimensions[letter].number_format = "@"
        options = (choices or {}).get(name)
        if options:
            validation = DataValidation(
                type="list", formula1='"' + ",".join(options) + '"', allow_blank=True
            )
            validation.error = f"请从列表中选择{name}"
            validation.add(f"{letter}2:{letter}{_TEMPLATE_ROWS}")
            sheet.add_data_validation(validation)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
