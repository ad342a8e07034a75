"""Institution payment request rules (缴费申请单, seed 003 §2.2.8). No I/O.

* By certificate (按报考证书): one line per student (ID number, name); each line costs the
  plan's fee.
* By subject (按报考科目): one line per student and subject (ID number, name, subject code);
  the plan publishes one fee for the certificate, so a subject costs its share of it: the fee
  split evenly over the plan's subjects, the fen left over going to the first subjects in
  the plan's order. A student entered for every subject therefore pays exactly the fee.
* Every line must match an approved, unpaid application of the plan, by ID number and name,
  and no application may be in two requests. Every bad line is reported at once (field
  ``rows[<line>].<column>``, line numbers as the spreadsheet shows them, header = 1) and
  nothing is written.
* A draft can be deleted and imported again; once the organisation confirms it received the
  money (with the request number), it is locked and each student counts as paid.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from payment.applications.rules import normalise_id_number
from skillcert.clock import CHINA
from skillcert.errors import Conflict, FieldError, InvalidInput
from skillcert.resident_id import is_resident_id
from skillcert.spreadsheets import csv_template, read_sheet
from skillcert.states import StateMachine

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
MAX_NAME = 50

ID_NUMBER = "身份证号"
NAME = "姓名"
SUBJECT = "科目代码"


class RequestMode(StrEnum):
    CERTIFICATE = "certificate"  # 按报考证书
    SUBJECT = "subject"  # 按报考科目


class RequestStatus(StrEnum):
    DRAFT = "draft"  # 待确认缴费: may be deleted and imported again
    CONFIRMED = "confirmed"  # 已确认缴费: locked


# The one table of allowed transitions; deleting a draft removes it altogether.
TRANSITIONS: dict[RequestStatus, frozenset[RequestStatus]] = {
    RequestStatus.DRAFT: frozenset({RequestStatus.CONFIRMED}),
    RequestStatus.CONFIRMED: frozenset(),
}

COLUMNS: dict[RequestMode, tuple[str, ...]] = {
    RequestMode.CERTIFICATE: (ID_NUMBER, NAME),
    RequestMode.SUBJECT: (ID_NUMBER, NAME, SUBJECT),
}
FIELD_OF_COLUMN = {ID_NUMBER: "id_number", NAME: "name", SUBJECT: "subject_code"}


STATES = StateMachine.of_targets(
    TRANSITIONS, refusal=lambda current, target: "缴费单已确认缴费，不允许做任何修改"
)


def ensure_deletable(status: str) -> None:
    if status != RequestStatus.DRAFT:
        raise Conflict("缴费单已确认缴费，不允许做任何修改")


def new_request_no(now: datetime) -> str:
    """缴费单号: JF + Beijing date + 8 digits; what the institution writes on the transfer."""
    digits = "".join(secrets.choice("0123456789") for _ in range(8))
    return f"JF{now.astimezone(CHINA):%Y%m%d}{digits}"


def subject_fees(fee_fen: int, subject_codes: list[str]) -> dict[str, int]:
    """Each subject's share of the plan fee (see the module docstring)."""
    if not subject_codes:
        return {}
    share, left = divmod(fee_fen, len(subject_codes))
    return {code: share + (1 if i < left else 0) for i, code in enumerate(subject_codes)}


def row_field(line: int, column: str) -> str:
    return f"rows[{line}].{FIELD_OF_COLUMN.get(column, column)}"


@dataclass(frozen=True)
class ImportRow:
    line: int
    id_number: str
    name: str
    subject_code: str | None


def parse_import(data: bytes, mode: RequestMode) -> tuple[list[ImportRow], list[FieldError]]:
    """Read the template as CSV (UTF-8 or GBK) or as an Excel workbook (.xlsx); returns the
    rows and every problem found in the file itself."""
    try:
        lines = read_sheet(
            data,
            COLUMNS[mode],
            locate=row_field,
            max_bytes=MAX_FILE_BYTES,
            max_rows=MAX_ROWS,
        )
    except InvalidInput as exc:
        return [], exc.errors
    rows: list[ImportRow] = []
    errors: list[FieldError] = []
    first_seen: dict[tuple[str, str | None], int] = {}
    for sheet_line in lines:
        line = sheet_line.number
        cells = {column: text.strip() for column, text in sheet_line.cells.items()}
        id_number = normalise_id_number(cells[ID_NUMBER])
        name = cells[NAME]
        subject = cells[SUBJECT] if mode == RequestMode.SUBJECT else None
        bad = False
        if not id_number:
            errors.append(FieldError(field=row_field(line, ID_NUMBER), message="身份证号必填"))
            bad = True
        elif not is_resident_id(id_number):
            errors.append(FieldError(field=row_field(line, ID_NUMBER), message="身份证号不正确"))
            bad = True
        if not name:
            errors.append(FieldError(field=row_field(line, NAME), message="姓名必填"))
            bad = True
        elif len(name) > MAX_NAME:
            errors.append(FieldError(field=row_field(line, NAME), message="姓名过长"))
            bad = True
        if mode == RequestMode.SUBJECT and not subject:
            errors.append(FieldError(field=row_field(line, SUBJECT), message="科目代码必填"))
            bad = True
        if bad:
            continue
        key = (id_number, subject)
        if key in first_seen:
            what = "该考生该科目" if subject else "该考生"
            errors.append(
                FieldError(
                    field=row_field(line, SUBJECT if subject else ID_NUMBER),
                    message=f"{what}与第 {first_seen[key]} 行重复",
                )
            )
            continue
        first_seen[key] = line
        rows.append(ImportRow(line, id_number, name, subject))
    if not rows and not errors:
        errors.append(FieldError(field="file", message="文件中没有数据行"))
    return rows, errors


def template_csv(mode: RequestMode) -> bytes:
    """The import template: the header line only (see `skillcert.spreadsheets`)."""
    return csv_template(COLUMNS[mode])
