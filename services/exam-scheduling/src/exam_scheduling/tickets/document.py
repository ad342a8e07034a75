"""The admission ticket (准考证) page: A4 portrait, one page per ticket, many in one file."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from exam_scheduling.tickets.rules import EXAM_RULES
from skillcert import pdf
from skillcert.clock import format_china, in_china

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN: Final = 48.0
# Where the photo and the QR code stand (points from the bottom-left); tests look there.
PHOTO_BOX: Final = (PAGE_WIDTH - MARGIN - 96, PAGE_HEIGHT - 250, 96.0, 128.0)
QR_BOX: Final = (PAGE_WIDTH - MARGIN - 150, PAGE_HEIGHT - 430, 150.0, 150.0)

_RED: Final = HexColor("#9B1B1B")
_LINE: Final = HexColor("#C8C8C8")
METHOD_NAMES: Final = {"computer": "机考", "practical": "实操", "written": "笔试"}


@dataclass(frozen=True, slots=True)
class ExamSession:
    """One sitting (场次) of the ticket: a subject at a time, in the ticket's room and seat."""

    subject_name: str
    method: str
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True, slots=True)
class TicketSheet:
    """Everything printed on one admission ticket; values are printed verbatim."""

    ticket_number: str
    candidate_name: str
    # Masked by the caller: the ticket is shown at the door and may be lost.
    id_number: str
    plan_title: str
    occupation_name: str
    level_name: str
    org_name: str
    institution_name: str
    site_name: str
    address: str
    room_name: str
    seat_number: int
    sessions: Sequence[ExamSession]
    # The compact JWS the QR code carries (see tickets.service.TicketSigner).
    qr_token: str
    photo: bytes | None = None


def render_tickets(sheets: Sequence[TicketSheet], title: str) -> bytes:
    out = io.BytesIO()
    c = pdf.new_canvas(out, A4, title=title, subject="准考证")
    for sheet in sheets:
        _draw_ticket(c, sheet)
        c.showPage()
    if not sheets:
        pdf.draw_text(c, MARGIN, PAGE_HEIGHT - 80, "没有已排考的考生", 14)
        c.showPage()
    c.save()
    return out.getvalue()


def _draw_ticket(c: Canvas, t: TicketSheet) -> None:
    top = PAGE_HEIGHT - MARGIN
    c.setStrokeColor(_RED)
    c.setLineWidth(1.5)
    c.rect(
        MARGIN - 16, MARGIN - 16, PAGE_WIDTH - 2 * (MARGIN - 16), PAGE_HEIGHT - 2 * (MARGIN - 16)
    )
    pdf.draw_text(c, PAGE_WIDTH / 2, top - 26, "职业技能等级认定", 14, color=_RED, align="center")
    pdf.draw_text(
        c, PAGE_WIDTH / 2, top - 56, "准  考  证", 26, color=_RED, align="center", bold=True
    )
    pdf.draw_text(
        c,
        PAGE_WIDTH / 2,
        top - 78,
        t.plan_title,
        11,
        color=pdf.MUTED,
        align="center",
        max_width=PAGE_WIDTH - 2 * MARGIN,
    )

    px, py, pw, ph = PHOTO_BOX
    pdf.draw_photo(c, t.photo, px, py, pw, ph, placeholder="贴照片处")

    rows = (
        ("准考证号", t.ticket_number),
        ("姓　　名", t.candidate_name),
        ("证件号码", t.id_number),
        ("职业(工种)", t.occupation_name),
        ("等　　级", t.level_name),
        ("考核站点", f"{t.institution_name} {t.site_name}"),
        ("考试地址", t.address),
        ("考　　场", t.room_name),
        ("座 位 号", f"{t.seat_number:02d}"),
        ("评价组织", t.org_name),
    )
    label_x, value_x = MARGIN, MARGIN + 78
    value_width = px - value_x - 20
    y = top - 116
    for label, value in rows:
        pdf.draw_text(c, label_x, y, f"{label}：", 11, color=pdf.MUTED)
        size = 14 if label in ("准考证号", "姓　　名", "座 位 号") else 11.5
        lines = pdf.wrap_text(value, size, value_width)
        for line in lines[:2]:
            pdf.draw_text(c, value_x, y, line, size, max_width=value_width)
            y -= size + 4
        c.setStrokeColor(_LINE)
        c.setLineWidth(0.4)
        c.line(value_x, y + size - 1, value_x + value_width, y + size - 1)
        y -= 8

    qx, qy, qs, _ = QR_BOX
    pdf.draw_qr(c, t.qr_token, qx, qy, qs)
    pdf.draw_text(
        c, qx + qs / 2, qy - 12, "入场核验二维码（已签名）", 9, color=pdf.MUTED, align="center"
    )

    y = min(y, qy - 30)
    pdf.draw_text(c, MARGIN, y, "考试安排", 13, bold=True)
    y -= 8
    columns = (("科目", 0), ("方式", 150), ("时间", 200), ("考场", 330), ("座位", 440))
    widths = (145, 45, 125, 105, 40)
    y -= 16
    for name, offset in columns:
        pdf.draw_text(c, MARGIN + offset, y, name, 10, color=pdf.MUTED)
    c.setStrokeColor(_LINE)
    c.line(MARGIN, y - 5, PAGE_WIDTH - MARGIN, y - 5)
    for session in t.sessions:
        y -= 20
        values = (
            session.subject_name,
            METHOD_NAMES.get(session.method, session.method),
            _time_span(session.starts_at, session.ends_at),
            t.room_name,
            f"{t.seat_number:02d}",
        )
        for (_, offset), width, value in zip(columns, widths, values, strict=True):
            pdf.draw_text(c, MARGIN + offset, y, value, 10, max_width=width)
        c.line(MARGIN, y - 6, PAGE_WIDTH - MARGIN, y - 6)

    y -= 34
    pdf.draw_text(c, MARGIN, y, "考场规则", 13, bold=True)
    y -= 6
    for number, rule in enumerate(EXAM_RULES, start=1):
        for index, line in enumerate(pdf.wrap_text(rule, 10, PAGE_WIDTH - 2 * MARGIN - 16)):
            y -= 15
            if index == 0:
                pdf.draw_text(c, MARGIN, y, f"{number}.", 10)
            pdf.draw_text(c, MARGIN + 16, y, line, 10)
    pdf.draw_text(
        c,
        PAGE_WIDTH / 2,
        MARGIN - 4,
        "二维码签名公钥：/api/v1/exam-scheduling/ticket-keys（JWK，ES256）",
        8,
        color=pdf.MUTED,
        align="center",
    )


def _time_span(starts_at: datetime, ends_at: datetime) -> str:
    start = format_china(starts_at)
    if in_china(starts_at).date() == in_china(ends_at).date():
        return f"{start}–{in_china(ends_at):%H:%M}"
    return f"{start}–{format_china(ends_at)}"
