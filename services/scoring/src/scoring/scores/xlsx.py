"""Reading a subject's scores from an Excel sheet (columns 准考证号, 成绩). No database access."""

from __future__ import annotations

import zipfile
from decimal import Decimal, InvalidOperation
from io import BytesIO
from typing import Any

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from scoring.scores.rules import MAX_IMPORT_ROWS, ImportRow
from skillcert.errors import FieldError, InvalidInput

TICKET_HEADER = "准考证号"
SCORE_HEADER = "成绩"
# Beyond 2**53 Excel has already rounded a number-typed ticket, so it cannot be trusted.
_EXACT_FLOAT_LIMIT = 2**53


def _file_error(message: str) -> InvalidInput:
    return InvalidInput(message, errors=[FieldError(field="file", message=message)])


def _ticket(value: Any) -> tuple[str | None, str | None]:
    """(ticket, problem)."""
    if isinstance(value, str):
        text = value.strip()
        return (text, None) if text else (None, "此项为必填项")
    if isinstance(value, bool) or value is None:
        return None, "此项为必填项"
    if isinstance(value, int):
        return str(value), None
    if isinstance(value, float) and value.is_integer() and abs(value) < _EXACT_FLOAT_LIMIT:
        return str(int(value)), None
    return None, "准考证号请以文本格式填写（长数字在 Excel 中会被改写）"


def _score(value: Any) -> tuple[Decimal | None, str | None]:
    """(score, problem)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, "此项为必填项"
    if isinstance(value, bool):
        return None, "成绩应为数字"
    if isinstance(value, int | float):
        # str() first: Decimal(0.1) would carry the float's binary error into the score.
        return Decimal(str(value)), None
    try:
        return Decimal(str(value).strip()), None
    except InvalidOperation:
        return None, "成绩应为数字"


def parse_score_workbook(data: bytes) -> list[ImportRow]:
    """Rows of the first sheet under a header row naming 准考证号 and 成绩; blank rows are
    skipped. Every problem is reported at once as `file.rows.<Excel row>.<field>`."""
    try:
        workbook = openpyxl.load_workbook(BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise _file_error("文件不是有效的 Excel（.xlsx）文件") from exc
    try:
        sheet = workbook.worksheets[0]
        lines = sheet.iter_rows(values_only=True)
        header = [str(c).strip() if c is not None else "" for c in next(lines, ())]
        if TICKET_HEADER not in header or SCORE_HEADER not in header:
            raise _file_error(f"表头应包含“{TICKET_HEADER}”和“{SCORE_HEADER}”两列")
        ticket_col, score_col = header.index(TICKET_HEADER), header.index(SCORE_HEADER)
        rows: list[ImportRow] = []
        errors: list[FieldError] = []
        counted = 0
        for number, line in enumerate(lines, start=2):
            raw_ticket = line[ticket_col] if ticket_col < len(line) else None
            raw_score = line[score_col] if score_col < len(line) else None
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in line):
                continue
            counted += 1
            if counted > MAX_IMPORT_ROWS:
                raise _file_error(f"一次最多导入 {MAX_IMPORT_ROWS} 行成绩")
            locator = f"file.rows.{number}"
            ticket, ticket_problem = _ticket(raw_ticket)
            score, score_problem = _score(raw_score)
            if ticket_problem:
                errors.append(FieldError(field=f"{locator}.ticket_number", message=ticket_problem))
            if score_problem:
                errors.append(FieldError(field=f"{locator}.score", message=score_problem))
            if ticket is not None and score is not None:
                rows.append(ImportRow(locator=locator, ticket_number=ticket, score=score))
    finally:
        workbook.close()
    if errors:
        raise InvalidInput(f"文件中有 {len(errors)} 处错误，未导入任何成绩", errors=errors)
    if not rows:
        raise _file_error("文件中没有成绩数据")
    return rows
