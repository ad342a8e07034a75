"""Uploaded spreadsheets: a CSV (UTF-8, UTF-8 with a BOM, or GBK as Excel in China saves it) or
an Excel workbook (.xlsx, first sheet) read into lines of text cells under a header line, and
the import templates handed out to fill in. Reading only: what a cell must contain is the
service's business.

A number Excel has already rounded is refused here, with the cell named, because nothing
after this point can tell: Excel keeps 15 significant digits, so an 18-digit ID number typed
without the text format is stored as 3.70285199001015E+17 and comes back ending in 000, and
a CSV saved from the General format holds only the six digits shown, `3.70285E+17`.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Final

import openpyxl
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

from skillcert.errors import FieldError, InvalidInput

XLSX_MEDIA_TYPE: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Columns read from a workbook; templates have far fewer.
MAX_COLUMNS: Final = 50
#: Excel stores 15 significant digits: a number-typed cell of 16 digits or more has lost some.
EXCEL_DIGITS: Final = 15
#: Excel's General format shows 12 digits and more as 1.23457E+11: the rest is gone.
_SCIENTIFIC = re.compile(r"[+-]?\d+(\.\d+)?[Ee]\+?(\d+)")
_SCIENTIFIC_FROM: Final = 11
#: Rows of a template's dropdowns.
_TEMPLATE_ROWS: Final = 5001


@dataclass(frozen=True)
class SheetLine:
    """A line that is not blank: its number as the spreadsheet shows it (header = 1) and its
    cells by column heading, as text ("" when empty)."""

    number: int
    cells: dict[str, str]


def file_error(message: str) -> InvalidInput:
    """A problem with the file as a whole, reported on the `file` field."""
    return InvalidInput(message, errors=[FieldError(field="file", message=message)])


class _Rounded(str):
    """A cell whose number Excel had already rounded; its text is what the cell holds."""

    __slots__ = ()


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        digits = str(int(value))
        return _Rounded(digits) if len(digits.lstrip("-")) > EXCEL_DIGITS else digits
    text = str(value)
    return _Rounded(text) if _rounded_text(text) else text


def _rounded_text(text: str) -> bool:
    match = _SCIENTIFIC.fullmatch(text.strip())
    return match is not None and int(match.group(2)) >= _SCIENTIFIC_FROM


def _decode(data: bytes) -> str | None:
    # GB 18030 is a superset of GBK, so it also reads what Excel in China saves.
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
        for cells in csv.reader(io.StringIO(text)):
            yield [_cell_text(cell) for cell in cells]
    except csv.Error as exc:
        raise file_error("CSV 文件格式有误，请使用下载的模板") from exc


def read_sheet(
    data: bytes,
    columns: Sequence[str],
    *,
    locate: Callable[[int, str], str],
    max_bytes: int | None,
    max_rows: int,
    csv_allowed: bool = True,
    optional: Sequence[str] = (),
) -> list[SheetLine]:
    """The lines under the header of an uploaded CSV or .xlsx file (only .xlsx when not
    `csv_allowed`), blank lines skipped, each with the cells of `columns` (headings the header
    line must contain; other columns are ignored).

    Refused as `InvalidInput`: an empty, oversized or unreadable file, missing headings, more
    than `max_rows` lines (on the `file` field; `max_bytes` None when the caller bounded the
    upload itself), and every cell of `columns` holding a number
    Excel had rounded, on the field `locate(line number, heading)` with the row and column in
    the message. Headings of `optional` may be left out of the header: their cells read as
    empty (a template that gained a column still takes files made from the older one)."""
    if not data:
        raise file_error("文件为空")
    if max_bytes is not None and len(data) > max_bytes:
        raise file_error(f"文件不能超过 {max_bytes // (1024 * 1024)}MB")
    if data.startswith(b"PK\x03\x04"):  # a zip container: .xlsx
        source = _workbook_lines(data)
    elif csv_allowed:
        source = _csv_lines(data)
    else:
        raise file_error("文件不是 Excel（.xlsx）文件")
    header = [cell.strip() for cell in next(source, [])]
    missing = [name for name in columns if name not in header]
    if missing:
        raise file_error(f"表头缺少列：{'、'.join(missing)}（请使用下载的模板）")
    position = {name: header.index(name) for name in columns}
    absent = [name for name in optional if name not in header]
    position |= {name: header.index(name) for name in optional if name in header}
    lines: list[SheetLine] = []
    errors: list[FieldError] = []
    blank_run = 0
    for number, cells in enumerate(source, start=2):
        if not any(cell.strip() for cell in cells):
            # A sheet may declare a million formatted, empty rows: stop well after the data.
            blank_run += 1
            if blank_run > max_rows:
                break
            continue
        blank_run = 0
        if len(lines) >= max_rows:
            raise file_error(f"一次最多导入 {max_rows} 行，请分批导入")
        values = {name: cells[i] if i < len(cells) else "" for name, i in position.items()}
        for name, value in values.items():
            if isinstance(value, _Rounded):
                letter = get_column_letter(position[name] + 1)
                message = (
                    f"第{number}行第{letter}列（{name}）：长数字已被 Excel 改写为 {value}，"
                    "请将该列设为文本格式后重新填写"
                )
                errors.append(FieldError(field=locate(number, name), message=message))
        texts = {name: str(value) for name, value in values.items()} | dict.fromkeys(absent, "")
        lines.append(SheetLine(number, texts))
    if errors:
        raise InvalidInput(f"文件中有 {len(errors)} 处长数字已被 Excel 改写", errors=errors)
    return lines


def csv_template(header: Iterable[str], rows: Iterable[Sequence[str]] = ()) -> bytes:
    """The header line (and `rows`, for an export that is to be imported back), UTF-8 with a
    BOM so that Excel opens it with the Chinese intact."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(list(header))
    writer.writerows(list(r) for r in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_template(
    title: str,
    header: Sequence[str],
    text_columns: Iterable[str] = (),
    choices: dict[str, tuple[str, ...]] | None = None,
    rows: Iterable[Sequence[str]] = (),
) -> bytes:
    """A workbook with the header row in bold, `text_columns` formatted as text (so IDs and
    phones keep their digits) and a dropdown of the given choices under those headers; `rows`
    below it (as text) make it an export that imports back unchanged."""
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
    for values in rows:
        sheet.append(list(values))
        for cell in sheet[sheet.max_row]:
            cell.number_format = "@"
            if isinstance(cell.value, str):
                cell.data_type = "s"  # "=..." typed by a user stays text, never a formula
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
