"""Pilot plans and applications (证书试点申报, seed 003 §1.1.3–1.2.4): the application's states,
the open-batch window, the catalogues of certificates and majors, what rich text may contain
and which attachments are PDF or Word by their content. Pure: no I/O.

A province publishes the year's plan (申报计划) in batches (申报批次); an institution of the
province applies per certificate inside an open batch, saves a draft or submits; the city
reviews first where the batch says so, then the province approves with a headcount (批准培训
人数) or rejects with a reason. When the batch has closed, an institution with an approved
application is that year's pilot institution (试点院校)."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Final

import nh3

from skillcert import divisions
from skillcert.errors import FieldError
from skillcert.states import StateMachine

DATA: Final = Path(__file__).parent / "data"
CERTIFICATES_CSV: Final = DATA / "certificates.csv"
MAJORS_CSV: Final = DATA / "majors.csv"
CERTIFICATE_COLUMNS: Final = ("code", "name", "organisation")
MAJOR_COLUMNS: Final = ("code", "name", "level")
OCCUPATION_CODE_RE: Final = re.compile(r"^\d-\d{2}-\d{2}-\d{2}$")
MAJOR_CODE_RE: Final = re.compile(r"^\d{6}$")
MAJOR_LEVELS: Final = ("中职", "高职专科", "高职本科")

CITY_ORG_PREFIX: Final = "CITY-"


class PilotStatus(StrEnum):
    """申报状态."""

    DRAFT = "draft"  # 未提交 (保存，暂不提交审核)
    CITY_REVIEW = "city_review"  # 待市级审核
    PROVINCE_REVIEW = "province_review"  # 待省级审核
    APPROVED = "approved"  # 审核通过
    REJECTED = "rejected"  # 审核不通过 (editable, may be submitted again)


STATUS_LABELS: Final[dict[str, str]] = {
    PilotStatus.DRAFT: "未提交",
    PilotStatus.CITY_REVIEW: "待市级审核",
    PilotStatus.PROVINCE_REVIEW: "待省级审核",
    PilotStatus.APPROVED: "审核通过",
    PilotStatus.REJECTED: "审核不通过",
}


class PilotAction(StrEnum):
    EDIT = "edit"
    DELETE = "delete"
    SUBMIT_TO_CITY = "submit_to_city"  # the batch wants the city's review first
    SUBMIT_TO_PROVINCE = "submit_to_province"
    CITY_APPROVE = "city_approve"
    CITY_REJECT = "city_reject"
    PROVINCE_APPROVE = "province_approve"
    PROVINCE_REJECT = "province_reject"


_ACTION_WORDS: Final[dict[str, str]] = {
    PilotAction.EDIT: "修改",
    PilotAction.DELETE: "删除",
    PilotAction.SUBMIT_TO_CITY: "提交审核",
    PilotAction.SUBMIT_TO_PROVINCE: "提交审核",
    PilotAction.CITY_APPROVE: "市级审核",
    PilotAction.CITY_REJECT: "市级审核",
    PilotAction.PROVINCE_APPROVE: "省级审核",
    PilotAction.PROVINCE_REJECT: "省级审核",
}


def _refusal(current: PilotStatus, action: PilotAction) -> str:
    label = STATUS_LABELS.get(current, current)
    return f"申报当前状态为{label}，不能{_ACTION_WORDS.get(action, action)}"


D, C, P, A, R = (
    PilotStatus.DRAFT,
    PilotStatus.CITY_REVIEW,
    PilotStatus.PROVINCE_REVIEW,
    PilotStatus.APPROVED,
    PilotStatus.REJECTED,
)
#: The one transition table. Submitted, an application is locked until a rejection: only a
#: draft is deleted; a rejected one is edited and submitted again.
TRANSITIONS: Final[StateMachine[PilotStatus, PilotAction]] = StateMachine(
    {
        (D, PilotAction.EDIT): D,
        (R, PilotAction.EDIT): R,
        (D, PilotAction.DELETE): D,
        (D, PilotAction.SUBMIT_TO_CITY): C,
        (R, PilotAction.SUBMIT_TO_CITY): C,
        (D, PilotAction.SUBMIT_TO_PROVINCE): P,
        (R, PilotAction.SUBMIT_TO_PROVINCE): P,
        (C, PilotAction.CITY_APPROVE): P,
        (C, PilotAction.CITY_REJECT): R,
        (P, PilotAction.PROVINCE_APPROVE): A,
        (P, PilotAction.PROVINCE_REJECT): R,
    },
    _refusal,
)


class DecisionLevel(StrEnum):
    CITY = "city"  # 地市级教育行政部门
    PROVINCE = "province"  # 省级教育行政部门


class Outcome(StrEnum):
    APPROVED = "approved"
    REJECTED = "rejected"


def decision_action(level: DecisionLevel, outcome: Outcome) -> PilotAction:
    if level is DecisionLevel.CITY:
        return PilotAction.CITY_APPROVE if outcome is Outcome.APPROVED else PilotAction.CITY_REJECT
    if outcome is Outcome.APPROVED:
        return PilotAction.PROVINCE_APPROVE
    return PilotAction.PROVINCE_REJECT


def submit_action(city_review_first: bool) -> PilotAction:
    return PilotAction.SUBMIT_TO_CITY if city_review_first else PilotAction.SUBMIT_TO_PROVINCE


def city_of_org(org_id: str | None) -> str | None:
    """The GB/T 2260 city code a city reviewer's organisation (`CITY-450100`) stands for."""
    if org_id is None or not org_id.startswith(CITY_ORG_PREFIX):
        return None
    code = org_id.removeprefix(CITY_ORG_PREFIX)
    if divisions.unknown_code(code, 2) is not None:
        return None
    return code


# --- the batch window ---------------------------------------------------------------------


def batch_is_open(opens_at: datetime, closes_at: datetime, now: datetime) -> bool:
    """申报时间: from the opening to the closing minute, the closing one excluded."""
    return opens_at <= now < closes_at


def batch_state(opens_at: datetime, closes_at: datetime, now: datetime) -> str:
    if now < opens_at:
        return "upcoming"  # 未开始
    if now < closes_at:
        return "open"  # 申报中
    return "closed"  # 已结束


def batch_problems(
    opens_at: datetime, closes_at: datetime, year: int, certificates: list[str]
) -> list[FieldError]:
    problems: list[FieldError] = []
    if closes_at <= opens_at:
        problems.append(FieldError(field="closes_at", message="截止时间须晚于开始时间"))
    if not certificates:
        problems.append(FieldError(field="certificate_codes", message="请至少选择一个试点证书"))
    known = certificate_catalogue()
    for i, code in enumerate(certificates):
        if code not in known:
            problems.append(
                FieldError(field=f"certificate_codes[{i}]", message="证书不在证书目录中")
            )
    if len(set(certificates)) != len(certificates):
        problems.append(FieldError(field="certificate_codes", message="证书重复"))
    return problems


# --- catalogues ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Certificate:
    """A certificate on offer (证书目录): its code is the occupation code exam plans use."""

    code: str
    name: str
    organisation: str


@dataclass(frozen=True)
class Major:
    """A major of the vocational-education major catalogue (职业教育专业目录)."""

    code: str
    name: str
    level: str


def parse_certificates(text: str) -> tuple[list[Certificate], list[FieldError]]:
    rows, problems = _rows(text, CERTIFICATE_COLUMNS)
    found: list[Certificate] = []
    for line, row in rows:
        if not OCCUPATION_CODE_RE.match(row["code"]):
            problems.append(
                FieldError(field=f"rows[{line}].code", message="证书代码应为职业编码，如4-01-02-02")
            )
        elif not row["name"]:
            problems.append(FieldError(field=f"rows[{line}].name", message="证书名称不能为空"))
        else:
            found.append(Certificate(row["code"], row["name"], row["organisation"]))
    return ([] if problems else found), problems


def parse_majors(text: str) -> tuple[list[Major], list[FieldError]]:
    rows, problems = _rows(text, MAJOR_COLUMNS)
    found: list[Major] = []
    for line, row in rows:
        if not MAJOR_CODE_RE.match(row["code"]):
            problems.append(FieldError(field=f"rows[{line}].code", message="专业代码应为6位数字"))
        elif row["level"] not in MAJOR_LEVELS:
            problems.append(
                FieldError(
                    field=f"rows[{line}].level", message="专业层次应为" + "、".join(MAJOR_LEVELS)
                )
            )
        elif not row["name"]:
            problems.append(FieldError(field=f"rows[{line}].name", message="专业名称不能为空"))
        else:
            found.append(Major(row["code"], row["name"], row["level"]))
    return ([] if problems else found), problems


def _rows(
    text: str, columns: tuple[str, ...]
) -> tuple[list[tuple[int, dict[str, str]]], list[FieldError]]:
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff")))
    if tuple(reader.fieldnames or ()) != columns:
        return [], [FieldError(field="header", message="表头应为：" + ",".join(columns))]
    rows: list[tuple[int, dict[str, str]]] = []
    problems: list[FieldError] = []
    seen: set[str] = set()
    for line, row in enumerate(reader, start=2):
        values = {c: (row.get(c) or "").strip() for c in columns}
        if values["code"] in seen:
            problems.append(FieldError(field=f"rows[{line}].code", message="代码重复"))
        seen.add(values["code"])
        rows.append((line, values))
    return rows, problems


def _raise_on(path: Path, problems: list[FieldError]) -> None:
    if problems:
        raise ValueError(f"{path.name}: " + "; ".join(f"{p.field} {p.message}" for p in problems))


@cache
def certificate_catalogue() -> dict[str, Certificate]:
    """The certificates on offer, by code (data/certificates.csv, docs/pilot-catalogues.md)."""
    entries, problems = parse_certificates(CERTIFICATES_CSV.read_text(encoding="utf-8"))
    _raise_on(CERTIFICATES_CSV, problems)
    return {e.code: e for e in entries}


@cache
def major_catalogue() -> dict[str, Major]:
    """The majors, by code (data/majors.csv, docs/pilot-catalogues.md)."""
    entries, problems = parse_majors(MAJORS_CSV.read_text(encoding="utf-8"))
    _raise_on(MAJORS_CSV, problems)
    return {e.code: e for e in entries}


# --- the application's content ------------------------------------------------------------

HEADCOUNT_MAX: Final = 100_000
RICH_TEXT_MAX: Final = 20_000
#: What the rich-text fields (师资情况, 场地情况) keep: paragraphs, emphasis, lists, tables,
#: links. Scripts, styles, event handlers and other tags are dropped by nh3 (ammonia).
RICH_TEXT_TAGS: Final = frozenset(
    {
        "p", "br", "b", "strong", "i", "em", "u", "s", "ul", "ol", "li", "h3", "h4",
        "blockquote", "table", "thead", "tbody", "tr", "th", "td", "a", "span",
    }
)  # fmt: skip
RICH_TEXT_ATTRIBUTES: Final = {"a": {"href"}, "td": {"colspan", "rowspan"}, "th": {"colspan"}}


def sanitise(html: str) -> str:
    """The rich text as it may be stored and shown again: nh3's clean of our allow-list."""
    return nh3.clean(
        html,
        tags=set(RICH_TEXT_TAGS),
        attributes={k: set(v) for k, v in RICH_TEXT_ATTRIBUTES.items()},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    ).strip()


def visible_text(html: str) -> str:
    """The text a reader sees (no tags at all): an empty-looking field is an empty field."""
    return nh3.clean(html, tags=set()).replace("&nbsp;", " ").strip()


def content_problems(
    majors_required: bool, certificate_code: str, offered: list[str], majors: list[str]
) -> list[FieldError]:
    problems: list[FieldError] = []
    if certificate_code not in offered:
        problems.append(
            FieldError(field="certificate_code", message="该证书不在本批次的申报范围内")
        )
    known = major_catalogue()
    for i, code in enumerate(majors):
        if code not in known:
            problems.append(FieldError(field=f"majors[{i}]", message="专业不在专业目录中"))
    if len(set(majors)) != len(majors):
        problems.append(FieldError(field="majors", message="专业重复"))
    if majors_required and not majors:
        problems.append(FieldError(field="majors", message="本批次要求按专业填报，请选择专业"))
    return problems


def submission_problems(teachers: str, venue: str) -> list[FieldError]:
    """What a draft may leave empty but a submission may not (师资、场地 are starred)."""
    problems: list[FieldError] = []
    if not visible_text(teachers):
        problems.append(FieldError(field="teachers", message="请填写师资情况描述"))
    if not visible_text(venue):
        problems.append(FieldError(field="venue", message="请填写场地情况描述"))
    return problems


# --- attachments (其他佐证材料: PDF or Word) -------------------------------------------------

ATTACHMENT_MAX_BYTES: Final = 10 * 1024 * 1024
ATTACHMENTS_MAX: Final = 10
PDF: Final = "application/pdf"
DOC: Final = "application/msword"
DOCX: Final = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ATTACHMENT_TYPES: Final = frozenset({PDF, DOC, DOCX})
_OLE2: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class AttachmentStatus(StrEnum):
    PENDING = "pending"  # URL handed out, not yet confirmed
    ACCEPTED = "accepted"
    REJECTED = "rejected"


def declared_attachment_problems(content_type: str, size: int) -> list[FieldError]:
    """Refused before an upload URL is handed out: what could never be accepted."""
    problems: list[FieldError] = []
    if content_type not in ATTACHMENT_TYPES:
        problems.append(
            FieldError(
                field="content_type", message="请上传pdf或word格式的文档", code="content_type"
            )
        )
    if size > ATTACHMENT_MAX_BYTES:
        problems.append(FieldError(field="size", message="文件不能超过10MB", code="size"))
    return problems


def sniff_document(data: bytes) -> str | None:
    """PDF or Word by what the bytes are, not by the name: a PDF header; an OLE2 compound file
    (Word 97–2003 .doc); or an OOXML package with a Word main part (.docx), opened to see it —
    any ZIP (or renamed spreadsheet) has the same first bytes."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(_OLE2):
        return DOC
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as package:
                names = set(package.namelist())
        except (zipfile.BadZipFile, ValueError):
            return None
        if "[Content_Types].xml" in names and "word/document.xml" in names:
            return DOCX
    return None


def attachment_problem(data: bytes) -> str | None:
    if not data:
        return "文件为空"
    if len(data) > ATTACHMENT_MAX_BYTES:
        return "文件不能超过10MB"
    if sniff_document(data) is None:
        return "文件内容不是pdf或word文档，请重新上传"
    return None


def safe_file_name(name: str) -> str:
    """The name as shown and offered on download: no path, no control characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in base if ch.isprintable()).strip()
    return cleaned[:200] or "附件"
