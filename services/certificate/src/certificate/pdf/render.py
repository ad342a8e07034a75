"""Render the 职业技能等级证书 e-certificate as a one-page A4 landscape PDF.

Every glyph comes from the font :mod:`skillcert.pdf` embeds as a subset, so the page reads
the same on a machine without Chinese fonts. The output already contains two empty signature
fields laid over the signature areas, so that both signers fill pre-existing fields; see
:mod:`certificate.pdf.sign`.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Final

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign.fields import SigFieldSpec, append_signature_field
from reportlab.lib.colors import Color, HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from skillcert import pdf
from skillcert.pdf import Align

__all__ = [
    "HEAD_SIGNATURE_FIELD",
    "ORG_SIGNATURE_FIELD",
    "SIGNATURE_FIELD_BOXES",
    "CertificateContent",
    "render_certificate",
]

# Field names are ASCII and dot-free because PDF uses "." as the form-field hierarchy
# separator; the Chinese role names only appear on the page.
HEAD_SIGNATURE_FIELD: Final = "InstitutionHeadSignature"
ORG_SIGNATURE_FIELD: Final = "OrganisationSignature"

PAGE_WIDTH, PAGE_HEIGHT = landscape(A4)

_SIG_BOX_WIDTH: Final = 240
_SIG_BOX_HEIGHT: Final = 112
_SIG_BOX_BOTTOM: Final = 88
_HEAD_BOX_LEFT: Final = 96
_ORG_BOX_LEFT: Final = int(PAGE_WIDTH) - 96 - _SIG_BOX_WIDTH

# pyHanko wants integer user-space coordinates (llx, lly, urx, ury).
SIGNATURE_FIELD_BOXES: Final[dict[str, tuple[int, int, int, int]]] = {
    HEAD_SIGNATURE_FIELD: (
        _HEAD_BOX_LEFT,
        _SIG_BOX_BOTTOM,
        _HEAD_BOX_LEFT + _SIG_BOX_WIDTH,
        _SIG_BOX_BOTTOM + _SIG_BOX_HEIGHT,
    ),
    ORG_SIGNATURE_FIELD: (
        _ORG_BOX_LEFT,
        _SIG_BOX_BOTTOM,
        _ORG_BOX_LEFT + _SIG_BOX_WIDTH,
        _SIG_BOX_BOTTOM + _SIG_BOX_HEIGHT,
    ),
}

_RED: Final = HexColor("#9B1B1B")
_GOLD: Final = HexColor("#B8932F")
_INK: Final = pdf.INK
_MUTED: Final = pdf.MUTED
_PAPER: Final = HexColor("#FFFCF3")


@dataclass(frozen=True, slots=True)
class CertificateContent:
    """Everything printed on the certificate; values are printed verbatim."""

    holder_name: str
    # Printed as given: the caller decides between the full number and a masked one.
    id_number: str
    occupation: str
    level: str
    certificate_no: str
    issue_date: date
    organisation_name: str
    institution_name: str
    verify_url: str
    head_stamp_png: bytes | None = None
    org_stamp_png: bytes | None = None
    # The holder's ID photo (JPEG/PNG) from the application; None leaves a labelled box.
    holder_photo: bytes | None = None


def render_certificate(data: CertificateContent) -> bytes:
    """Return the certificate PDF, with empty signature fields for both signers."""
    return _add_signature_fields(_draw_pdf(data))


def _draw_text(
    c: Canvas,
    x: float,
    y: float,
    text: str,
    size: float,
    *,
    color: Color = _INK,
    max_width: float | None = None,
    align: Align = "left",
) -> None:
    pdf.draw_text(c, x, y, text, size, color=color, max_width=max_width, align=align)


def _draw_spaced_title(c: Canvas, text: str, y: float, size: float, spacing: float) -> None:
    c.setFont(pdf.FONT, size)
    c.setFillColor(_RED)
    width = pdfmetrics.stringWidth(text, pdf.FONT, size) + spacing * (len(text) - 1)
    obj = c.beginText((PAGE_WIDTH - width) / 2, y)
    obj.setFont(pdf.FONT, size)
    obj.setCharSpace(spacing)
    # The font has one weight; fill plus a thin outline stroke gives the title its weight.
    obj.setTextRenderMode(2)
    c.setStrokeColor(_RED)
    c.setLineWidth(0.8)
    obj.textOut(text)
    # Tc and Tr are graphics state and survive ET, so they would affect every later string.
    obj.setCharSpace(0)
    obj.setTextRenderMode(0)
    c.drawText(obj)


def _draw_frame(c: Canvas) -> None:
    c.setFillColor(_PAPER)
    c.rect(0, 0, PAGE_WIDTH, PAGE_HEIGHT, stroke=0, fill=1)
    c.setStrokeColor(_RED)
    c.setLineWidth(4)
    c.rect(18, 18, PAGE_WIDTH - 36, PAGE_HEIGHT - 36, stroke=1, fill=0)
    c.setStrokeColor(_GOLD)
    c.setLineWidth(1)
    c.rect(27, 27, PAGE_WIDTH - 54, PAGE_HEIGHT - 54, stroke=1, fill=0)
    c.setFillColor(_GOLD)
    for cx in (27, PAGE_WIDTH - 27):
        for cy in (27, PAGE_HEIGHT - 27):
            c.rect(cx - 4, cy - 4, 8, 8, stroke=0, fill=1)


def _draw_stamp(c: Canvas, png: bytes, box: tuple[int, int, int, int]) -> None:
    llx, lly, urx, ury = box
    side = min(urx - llx, ury - lly)
    pdf.draw_image(
        c, png, llx + (urx - llx - side) / 2, lly + (ury - lly - side) / 2, side, side, inset=4
    )


def _draw_signature_area(
    c: Canvas,
    box: tuple[int, int, int, int],
    role: str,
    party_name: str,
    stamp_png: bytes | None,
) -> None:
    llx, lly, urx, _ury = box
    mid = (llx + urx) / 2
    c.setStrokeColor(_MUTED)
    c.setLineWidth(0.6)
    c.line(llx + 20, lly, urx - 20, lly)
    _draw_text(c, mid, lly - 18, role, 13, color=_INK, align="center")
    _draw_text(c, mid, lly - 36, party_name, 11, color=_MUTED, align="center", max_width=urx - llx)
    if stamp_png is not None:
        _draw_stamp(c, stamp_png, box)


def _draw_pdf(data: CertificateContent) -> bytes:
    buf = io.BytesIO()
    c = pdf.new_canvas(
        buf,
        (PAGE_WIDTH, PAGE_HEIGHT),
        title=f"职业技能等级证书 {data.certificate_no}",
        author=data.organisation_name,
        subject="职业技能等级证书",
    )

    _draw_frame(c)
    _draw_spaced_title(c, "职业技能等级证书", PAGE_HEIGHT - 96, 34, 8)
    _draw_text(
        c,
        PAGE_WIDTH / 2,
        PAGE_HEIGHT - 118,
        "VOCATIONAL SKILL LEVEL CERTIFICATE",
        10,
        color=_MUTED,
        align="center",
    )
    c.setStrokeColor(_GOLD)
    c.setLineWidth(0.8)
    c.line(PAGE_WIDTH / 2 - 170, PAGE_HEIGHT - 130, PAGE_WIDTH / 2 + 170, PAGE_HEIGHT - 130)

    qr_size = 124.0
    qr_x = _ORG_BOX_LEFT + (_SIG_BOX_WIDTH - qr_size) / 2
    qr_y = PAGE_HEIGHT - 314
    label_x = 110.0
    value_x = 232.0
    # The holder's photo (一寸证件照, 25×35 mm) stands left of the QR code, beside the rows.
    photo_w, photo_h = 84.0, 118.0
    photo_x = qr_x - 28 - photo_w
    photo_y = PAGE_HEIGHT - 176 + 18 - photo_h
    value_width = photo_x - value_x - 20
    rows = (
        ("姓　　名", data.holder_name),
        ("证件号码", data.id_number),
        ("职业（工种）", data.occupation),
        ("职业技能等级", data.level),
        ("证书编号", data.certificate_no),
        ("发证日期", _format_date(data.issue_date)),
    )
    y = PAGE_HEIGHT - 176
    for index, (label, value) in enumerate(rows):
        _draw_text(c, label_x, y, f"{label}：", 14, color=_MUTED)
        _draw_text(c, value_x, y, value, 18 if index == 0 else 16, max_width=value_width)
        c.setStrokeColor(HexColor("#D9CFB8"))
        c.setLineWidth(0.4)
        c.line(value_x, y - 6, value_x + value_width, y - 6)
        y -= 31
    pdf.draw_photo(c, data.holder_photo, photo_x, photo_y, photo_w, photo_h, placeholder="照片")
    _draw_text(
        c,
        label_x,
        y - 6,
        "经考核评价，成绩合格，达到本职业（工种）相应等级要求，特发此证。",
        12,
        color=_INK,
        max_width=qr_x - label_x - 24,
    )

    pdf.draw_qr(c, data.verify_url, qr_x, qr_y, qr_size)
    qr_mid = qr_x + qr_size / 2
    _draw_text(c, qr_mid, qr_y - 16, "扫码查验证书真伪", 11, color=_MUTED, align="center")
    _draw_text(
        c,
        qr_mid,
        qr_y - 30,
        data.verify_url,
        7,
        color=_MUTED,
        align="center",
        max_width=_SIG_BOX_WIDTH,
    )

    _draw_signature_area(
        c,
        SIGNATURE_FIELD_BOXES[HEAD_SIGNATURE_FIELD],
        "考核站点负责人",
        data.institution_name,
        data.head_stamp_png,
    )
    _draw_signature_area(
        c,
        SIGNATURE_FIELD_BOXES[ORG_SIGNATURE_FIELD],
        "培训评价组织",
        data.organisation_name,
        data.org_stamp_png,
    )

    c.showPage()
    c.save()
    return buf.getvalue()


def _format_date(value: date) -> str:
    return f"{value.year}年{value.month:02d}月{value.day:02d}日"


def _add_signature_fields(pdf: bytes) -> bytes:
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    for name, box in SIGNATURE_FIELD_BOXES.items():
        # The default (blank) widget appearance keeps the printed stamps visible, while the
        # widget still gives viewers a clickable area that opens the signature details.
        append_signature_field(writer, SigFieldSpec(sig_field_name=name, on_page=0, box=box))
    out = io.BytesIO()
    # pyHanko leaves write() unannotated; binding it to a typed name keeps mypy's
    # untyped-call check satisfied without an ignore comment.
    write: Callable[[io.BytesIO], None] = writer.write
    write(out)
    return out.getvalue()
