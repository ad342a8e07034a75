"""Room printouts (考场打印件): the sign-in sheet (考场签到表), desk labels (桌贴) and the door
label (门贴). One exam (plan) per section: a room may host several plans' candidates."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen.canvas import Canvas

from skillcert import pdf
from skillcert.clock import format_china, in_china

MARGIN: Final = 36.0
_LINE: Final = HexColor("#9A9A9A")
_RED: Final = HexColor("#9B1B1B")
# Until invigilators are assigned in the system, the sheet leaves lines to write them on.
BLANK_INVIGILATOR_LINES: Final = 2
BLANK_INSPECTOR_LINES: Final = 1
ROWS_PER_PAGE: Final = 12


@dataclass(frozen=True, slots=True)
class Examinee:
    seat_number: int
    name: str
    # Masked by the caller: the sheet lies on a table at the door.
    id_number: str
    ticket_number: str
    institution_name: str
    photo: bytes | None = None


@dataclass(frozen=True, slots=True)
class RoomExam:
    """One plan's sitting in one room: who sits where, and when."""

    plan_title: str
    occupation_name: str
    level_name: str
    starts_at: datetime
    ends_at: datetime
    site_name: str
    address: str
    room_name: str
    examinees: Sequence[Examinee]
    invigilators: Sequence[str] = ()
    inspectors: Sequence[str] = ()


def time_span(starts_at: datetime, ends_at: datetime) -> str:
    start = format_china(starts_at)
    if in_china(starts_at).date() == in_china(ends_at).date():
        return f"{start}–{in_china(ends_at):%H:%M}"
    return f"{start}–{format_china(ends_at)}"


def _people(names: Sequence[str], blank_lines: int) -> str:
    if names:
        return "、".join(names)
    return "　".join("________________" for _ in range(blank_lines))


def _empty(c: Canvas, width: float, height: float) -> None:
    pdf.draw_text(c, width / 2, height / 2, "本考场暂无已排考的考生", 16, align="center")
    c.showPage()


# --- sign-in sheet --------------------------------------------------------------------------


def render_sign_in_sheet(exams: Sequence[RoomExam], title: str) -> bytes:
    out = io.BytesIO()
    width, height = A4
    c = pdf.new_canvas(out, A4, title=title, subject="考场签到表")
    for exam in exams:
        pages = [
            exam.examinees[i : i + ROWS_PER_PAGE]
            for i in range(0, max(len(exam.examinees), 1), ROWS_PER_PAGE)
        ]
        for index, rows in enumerate(pages):
            _sign_in_page(c, exam, rows, index + 1, len(pages), last=index == len(pages) - 1)
            c.showPage()
    if not exams:
        _empty(c, width, height)
    c.save()
    return out.getvalue()


def _sign_in_page(
    c: Canvas, exam: RoomExam, rows: Sequence[Examinee], page: int, pages: int, *, last: bool
) -> None:
    width, height = A4
    top = height - MARGIN
    pdf.draw_text(c, width / 2, top - 20, "考 场 签 到 表", 20, align="center", bold=True)
    pdf.draw_text(
        c,
        width / 2,
        top - 40,
        exam.plan_title,
        10.5,
        color=pdf.MUTED,
        align="center",
        max_width=width - 2 * MARGIN,
    )
    info = (
        ("考试时间", time_span(exam.starts_at, exam.ends_at)),
        ("职业等级", f"{exam.occupation_name} {exam.level_name}"),
        ("考点", exam.site_name),
        ("考场", exam.room_name),
        ("地址", exam.address),
    )
    y = top - 62
    for i, (label, value) in enumerate(info):
        x = MARGIN if i % 2 == 0 else width / 2 + 6
        pdf.draw_text(c, x, y, f"{label}：{value}", 9.5, max_width=width / 2 - MARGIN - 6)
        if i % 2 == 1:
            y -= 15
    y -= 15
    pdf.draw_text(
        c,
        MARGIN,
        y,
        f"监考人员：{_people(exam.invigilators, BLANK_INVIGILATOR_LINES)}",
        9.5,
    )
    pdf.draw_text(
        c, width / 2 + 6, y, f"巡考人员：{_people(exam.inspectors, BLANK_INSPECTOR_LINES)}", 9.5
    )

    # 座位 照片 姓名 证件号码 准考证号 院校 签名
    columns = (34, 44, 62, 100, 100, 100, width - 2 * MARGIN - 440)
    headers = ("座位", "照片", "姓名", "证件号码", "准考证号", "院校", "考生签名")
    row_h = 50.0
    y -= 14
    c.setStrokeColor(_LINE)
    c.setLineWidth(0.6)
    x = MARGIN
    c.rect(MARGIN, y - 18, width - 2 * MARGIN, 18)
    for w, header in zip(columns, headers, strict=True):
        pdf.draw_text(c, x + w / 2, y - 13, header, 9, align="center", color=pdf.MUTED)
        x += w
    y -= 18
    for person in rows:
        c.setStrokeColor(_LINE)
        c.rect(MARGIN, y - row_h, width - 2 * MARGIN, row_h)
        x = MARGIN
        for w in columns[:-1]:
            x += w
            c.line(x, y, x, y - row_h)
        cells: tuple[str | None, ...] = (
            f"{person.seat_number:02d}",
            None,
            person.name,
            person.id_number,
            person.ticket_number,
            person.institution_name,
        )
        x = MARGIN
        for w, cell in zip(columns, cells, strict=False):
            if cell is None:
                pdf.draw_photo(
                    c, person.photo, x + 5, y - row_h + 4, w - 10, row_h - 8, placeholder=""
                )
            else:
                pdf.draw_text(c, x + 4, y - row_h / 2 - 3, cell, 9, max_width=w - 8)
            x += w
        y -= row_h
    if last:
        expected = len(exam.examinees)
        y -= 22
        pdf.draw_text(
            c,
            MARGIN,
            y,
            f"应考 {expected} 人　　实考 ______ 人　　缺考 ______ 人　　监考签名：________________",
            10.5,
        )
    pdf.draw_text(
        c, width / 2, MARGIN - 14, f"第 {page} / {pages} 页", 8, color=pdf.MUTED, align="center"
    )


# --- desk labels ------------------------------------------------------------------------------


def render_desk_labels(exams: Sequence[RoomExam], title: str) -> bytes:
    """Eight labels per A4 page (2 × 4), one per seat, to cut and tape to the desks."""
    out = io.BytesIO()
    width, height = A4
    c = pdf.new_canvas(out, A4, title=title, subject="桌贴")
    cols, rows = 2, 4
    cell_w, cell_h = (width - 2 * MARGIN) / cols, (height - 2 * MARGIN) / rows
    labels = [(exam, person) for exam in exams for person in exam.examinees]
    for start in range(0, len(labels), cols * rows):
        for index, (exam, person) in enumerate(labels[start : start + cols * rows]):
            col, row = index % cols, index // cols
            x = MARGIN + col * cell_w
            y = height - MARGIN - (row + 1) * cell_h
            _desk_label(c, exam, person, x, y, cell_w, cell_h)
        c.showPage()
    if not labels:
        _empty(c, width, height)
    c.save()
    return out.getvalue()


def _desk_label(
    c: Canvas, exam: RoomExam, person: Examinee, x: float, y: float, w: float, h: float
) -> None:
    c.saveState()
    c.setDash(3, 3)
    c.setStrokeColor(_LINE)
    c.rect(x + 4, y + 4, w - 8, h - 8)
    c.restoreState()
    pdf.draw_text(c, x + 16, y + h - 58, f"{person.seat_number:02d}", 44, color=_RED, bold=True)
    pdf.draw_text(c, x + 16, y + h - 76, "座位号", 9, color=pdf.MUTED)
    photo_w, photo_h = 60.0, 80.0
    pdf.draw_photo(c, person.photo, x + w - 16 - photo_w, y + h - 16 - photo_h, photo_w, photo_h)
    text_w = w - 32
    pdf.draw_text(c, x + 16, y + 64, person.name, 16, bold=True, max_width=text_w)
    pdf.draw_text(c, x + 16, y + 46, f"准考证号：{person.ticket_number}", 10, max_width=text_w)
    pdf.draw_text(c, x + 16, y + 31, f"证件号码：{person.id_number}", 10, max_width=text_w)
    pdf.draw_text(
        c,
        x + 16,
        y + 16,
        f"{exam.room_name} · {exam.plan_title}",
        8,
        color=pdf.MUTED,
        max_width=text_w,
    )


# --- door label -------------------------------------------------------------------------------


def render_door_label(exams: Sequence[RoomExam], title: str) -> bytes:
    """One landscape page per exam in the room: the room name large, when, who sits here."""
    out = io.BytesIO()
    size = landscape(A4)
    width, height = size
    c = pdf.new_canvas(out, size, title=title, subject="门贴")
    for exam in exams:
        when = time_span(exam.starts_at, exam.ends_at)
        c.setStrokeColor(_RED)
        c.setLineWidth(3)
        c.rect(MARGIN, MARGIN, width - 2 * MARGIN, height - 2 * MARGIN)
        pdf.draw_text(
            c,
            width / 2,
            height - 126,
            exam.room_name,
            72,
            align="center",
            bold=True,
            color=_RED,
            max_width=width - 4 * MARGIN,
        )
        pdf.draw_text(
            c,
            width / 2,
            height - 160,
            f"{exam.site_name} · {exam.address}",
            14,
            align="center",
            color=pdf.MUTED,
            max_width=width - 4 * MARGIN,
        )
        pdf.draw_text(
            c,
            width / 2,
            height - 206,
            exam.plan_title,
            18,
            align="center",
            max_width=width - 4 * MARGIN,
        )
        pdf.draw_text(
            c,
            width / 2,
            height - 236,
            f"{exam.occupation_name} {exam.level_name}　考试时间：{when}",
            14,
            align="center",
            max_width=width - 4 * MARGIN,
        )
        numbers = sorted(p.ticket_number for p in exam.examinees)
        seats = sorted(p.seat_number for p in exam.examinees)
        if numbers:
            pdf.draw_text(
                c,
                width / 2,
                height - 290,
                f"准考证号：{numbers[0]} — {numbers[-1]}",
                16,
                align="center",
            )
            pdf.draw_text(
                c,
                width / 2,
                height - 318,
                f"座位号：{seats[0]:02d} — {seats[-1]:02d}　　应考 {len(numbers)} 人",
                16,
                align="center",
            )
        pdf.draw_text(
            c,
            width / 2,
            MARGIN + 24,
            "请考生凭准考证和有效身份证件入场，按座位号就座",
            13,
            align="center",
            color=pdf.MUTED,
        )
        c.showPage()
    if not exams:
        _empty(c, width, height)
    c.save()
    return out.getvalue()
