"""PDF documents people print (证书、准考证、签到表): one embedded CJK font, QR codes, page helpers.

Every glyph on a page, Latin included, comes from one TrueType font whose used glyphs are
embedded as a subset, so a PDF shows the same on a machine without any Chinese font (the
reader of a certificate or an admission ticket has no obligation to own one). reportlab
embeds TrueType-outline fonts only (not CFF-based OpenType such as Noto/Source Han), so the
font is 文泉驿微米黑 WenQuanYi Micro Hei (wqy-microhei.ttc: TrueType outlines, Apache-2.0 or
GPL-3+ with a font-embedding exception), from Debian's ``fonts-wqy-microhei``; the project
installs it (deploy/dev/pdf-tools.sh for tests, deploy/Dockerfile for the image).
``SKILLCERT_PDF_FONT`` names another .ttf/.ttc with TrueType outlines.

Mechanism only: what a document says and where is the calling service's business.
"""

from __future__ import annotations

import io
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Final, Literal

import segno
from reportlab.lib.colors import Color, HexColor, black, white
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

__all__ = [
    "DEFAULT_FONT_PATH",
    "FONT",
    "FONT_ENV",
    "INK",
    "MUTED",
    "Align",
    "PdfFontMissing",
    "draw_box",
    "draw_image",
    "draw_photo",
    "draw_qr",
    "draw_text",
    "fit_size",
    "font_path",
    "new_canvas",
    "register_font",
    "wrap_text",
]

FONT: Final = "WenQuanYiMicroHei"
FONT_ENV: Final = "SKILLCERT_PDF_FONT"
DEFAULT_FONT_PATH: Final = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"

INK: Final = HexColor("#1F1F1F")
MUTED: Final = HexColor("#5A5A5A")
_PLACEHOLDER: Final = HexColor("#9A9A9A")

Align = Literal["left", "center", "right"]

_lock = threading.Lock()


class PdfFontMissing(RuntimeError):
    """The CJK font file is not installed; documents would otherwise show empty boxes."""


def font_path() -> Path:
    return Path(os.environ.get(FONT_ENV) or DEFAULT_FONT_PATH)


def register_font() -> str:
    """Register the embedded font once per process and return its reportlab name."""
    with _lock:
        if FONT in pdfmetrics.getRegisteredFontNames():
            return FONT
        path = font_path()
        if not path.is_file():
            raise PdfFontMissing(
                f"{path} is missing: apt-get install fonts-wqy-microhei "
                f"(or set {FONT_ENV} to a TrueType-outline .ttf/.ttc)"
            )
        # subfontIndex 0 of the .ttc is the proportional face; 1 is the monospaced one.
        pdfmetrics.registerFont(TTFont(FONT, str(path), subfontIndex=0))
        return FONT


def new_canvas(
    out: io.BytesIO,
    pagesize: tuple[float, float],
    *,
    title: str,
    author: str = "skillcert",
    subject: str = "",
) -> Canvas:
    """A canvas whose only font is the embedded one (reportlab would otherwise list Helvetica)."""
    register_font()
    c = Canvas(out, pagesize=pagesize, pageCompression=1, initialFontName=FONT)
    c.setTitle(title)
    c.setAuthor(author)
    c.setSubject(subject or title)
    c.setCreator("skillcert")
    return c


def fit_size(text: str, size: float, max_width: float, min_size: float = 5) -> float:
    """The largest size up to ``size`` at which ``text`` fits ``max_width`` (names vary)."""
    while size > min_size and pdfmetrics.stringWidth(text, FONT, size) > max_width:
        size -= 0.5
    return size


def wrap_text(text: str, size: float, max_width: float) -> list[str]:
    """Break ``text`` into lines no wider than ``max_width``.

    Chinese breaks between any two characters; a run of Latin letters/digits stays whole
    unless it alone is too wide. Explicit newlines are kept.
    """
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for token in _tokens(paragraph):
            candidate = line + token
            if line and pdfmetrics.stringWidth(candidate, FONT, size) > max_width:
                lines.append(line.rstrip())
                line = token.lstrip()
            else:
                line = candidate
            while pdfmetrics.stringWidth(line, FONT, size) > max_width and len(line) > 1:
                cut = len(line) - 1
                while cut > 1 and pdfmetrics.stringWidth(line[:cut], FONT, size) > max_width:
                    cut -= 1
                lines.append(line[:cut])
                line = line[cut:]
        lines.append(line.rstrip())
    return lines


def _tokens(text: str) -> Iterator[str]:
    word = ""
    for ch in text:
        if ch.isascii() and not ch.isspace():
            word += ch
            continue
        if word:
            yield word
            word = ""
        yield ch
    if word:
        yield word


def draw_text(
    c: Canvas,
    x: float,
    y: float,
    text: str,
    size: float,
    *,
    color: Color = INK,
    max_width: float | None = None,
    align: Align = "left",
    bold: bool = False,
) -> None:
    """One line; shrunk to ``max_width`` when given. ``bold`` strokes the outline (one weight)."""
    register_font()
    if max_width is not None:
        size = fit_size(text, size, max_width)
    c.saveState()
    c.setFont(FONT, size)
    c.setFillColor(color)
    if bold:
        # The font has a single weight: fill + a thin stroke of the outline reads as bold.
        c.setStrokeColor(color)
        c.setLineWidth(size / 30)
        obj = c.beginText()
        obj.setTextRenderMode(2)
        width = pdfmetrics.stringWidth(text, FONT, size)
        left = {"left": x, "center": x - width / 2, "right": x - width}[align]
        obj.setTextOrigin(left, y)
        obj.setFont(FONT, size)
        obj.textOut(text)
        c.drawText(obj)
    else:
        draw: Callable[[float, float, str], None]
        if align == "center":
            draw = c.drawCentredString
        elif align == "right":
            draw = c.drawRightString
        else:
            draw = c.drawString
        draw(x, y, text)
    c.restoreState()


def draw_box(
    c: Canvas, x: float, y: float, width: float, height: float, *, line: float = 0.6
) -> None:
    c.saveState()
    c.setStrokeColor(MUTED)
    c.setLineWidth(line)
    c.rect(x, y, width, height, stroke=1, fill=0)
    c.restoreState()


def draw_qr(c: Canvas, data: str, x: float, y: float, size: float) -> None:
    """A QR code (level M) as vector modules in a white square with a quiet zone."""
    # Vector modules rather than a bitmap keep the code sharp at any zoom and print size.
    qr = segno.make(data, error="m", micro=False)
    matrix = qr.matrix
    quiet = 2
    modules = len(matrix) + 2 * quiet
    unit = size / modules
    c.saveState()
    c.setFillColor(white)
    c.rect(x, y, size, size, stroke=0, fill=1)
    c.setFillColor(black)
    for row_index, row in enumerate(matrix):
        top = y + size - (row_index + quiet + 1) * unit
        col = 0
        while col < len(row):
            if not row[col]:
                col += 1
                continue
            start = col
            while col < len(row) and row[col]:
                col += 1
            # Runs are merged and slightly overdrawn so no hairline gaps show between modules.
            c.rect(
                x + (start + quiet) * unit,
                top,
                (col - start) * unit + 0.05,
                unit + 0.05,
                stroke=0,
                fill=1,
            )
    c.restoreState()


def draw_image(
    c: Canvas, image: bytes, x: float, y: float, width: float, height: float, *, inset: float = 0
) -> None:
    """A PNG/JPEG scaled to fit the box, centred, aspect kept; transparency kept."""
    reader = ImageReader(io.BytesIO(image))
    img_w, img_h = reader.getSize()
    box_w, box_h = width - 2 * inset, height - 2 * inset
    scale = min(box_w / img_w, box_h / img_h)
    w, h = img_w * scale, img_h * scale
    c.drawImage(reader, x + (width - w) / 2, y + (height - h) / 2, width=w, height=h, mask="auto")


@contextmanager
def _state(c: Canvas) -> Iterator[None]:
    c.saveState()
    try:
        yield
    finally:
        c.restoreState()


def draw_photo(
    c: Canvas,
    image: bytes | None,
    x: float,
    y: float,
    width: float,
    height: float,
    *,
    placeholder: str = "照片",
) -> bool:
    """A framed photo box; an unreadable or missing photo leaves a labelled empty box.

    Returns whether a photo was drawn, so the caller can tell the reader to paste one.
    """
    draw_box(c, x, y, width, height)
    if image is not None:
        try:
            with _state(c):
                draw_image(c, image, x, y, width, height, inset=1)
            return True
        except (OSError, ValueError):
            pass  # a damaged upload must not stop the whole document: the box stays empty
    draw_text(
        c,
        x + width / 2,
        y + height / 2 - 4,
        placeholder,
        min(12, width / 5),
        color=_PLACEHOLDER,
        align="center",
    )
    return False
