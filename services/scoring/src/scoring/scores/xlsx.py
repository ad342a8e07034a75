"""Reading a subject's scores from an Excel sheet (columns 准考证号, 成绩). No database access."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from scoring.scores.rules import MAX_IMPORT_ROWS, ImportRow
from skillcert.errors import FieldError, InvalidInput
from skillcert.spreadsheets import file_error, read_sheet

TICKET_HEADER = "准考证号"
SCORE_HEADER = "成绩"
_FIELD_OF = {TICKET_HEADER: "ticket_number", SCORE_HEADER: "score"}


def _locator(line: int) -> str:
    return f"file.rows.{line}"


def _score(text: str) -> tuple[Decimal | None, str | None]:
    """(score, problem)."""
    if not text:
        return None, "此项为必填项"
    try:
        score = Decimal(text)
    except InvalidOperation:
        return None, "成绩应为数字"
    return (score, None) if score.is_finite() else (None, "成绩应为数字")


def parse_score_workbook(data: bytes) -> list[ImportRow]:
    """Rows of the first sheet under a header row naming 准考证号 and 成绩; blank rows are
    skipped. Every problem is reported at once as `file.rows.<Excel row>.<field>`. The
    router has bounded the upload's size."""
    lines = read_sheet(
        data,
        (TICKET_HEADER, SCORE_HEADER),
        locate=lambda line, header: f"{_locator(line)}.{_FIELD_OF[header]}",
        max_bytes=None,
        max_rows=MAX_IMPORT_ROWS,
        csv_allowed=False,
    )
    rows: list[ImportRow] = []
    errors: list[FieldError] = []
    for line in lines:
        locator = _locator(line.number)
        ticket = line.cells[TICKET_HEADER].strip()
        score, score_problem = _score(line.cells[SCORE_HEADER].strip())
        if not ticket:
            errors.append(FieldError(field=f"{locator}.ticket_number", message="此项为必填项"))
        if score_problem:
            errors.append(FieldError(field=f"{locator}.score", message=score_problem))
        if ticket and score is not None:
            rows.append(ImportRow(locator=locator, ticket_number=ticket, score=score))
    if errors:
        raise InvalidInput(f"文件中有 {len(errors)} 处错误，未导入任何成绩", errors=errors)
    if not rows:
        raise file_error("文件中没有成绩数据")
    return rows
