from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest
from PIL import Image
from reportlab.lib.pagesizes import A4

from skillcert import pdf
from skillcert.pdf_testing import EMPTY_FONTCONFIG, ink_pixels, pdf_fonts, pdf_text, render_page

TEXT = "职业技能等级证书 准考证 张三丰"


def _document(text: str | None, *, photo: bytes | None = None) -> bytes:
    out = io.BytesIO()
    c = pdf.new_canvas(out, A4, title="测试")
    if text is not None:
        pdf.draw_text(c, 60, 700, text, 24)
        pdf.draw_text(c, 60, 650, "Latin 123 / 数字", 14, bold=True)
    pdf.draw_qr(c, "https://example.cn/verify?no=1", 60, 400, 120)
    pdf.draw_photo(c, photo, 300, 400, 90, 120)
    c.showPage()
    c.save()
    return out.getvalue()


def _png(color: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (30, 40), color).save(out, "PNG")
    return out.getvalue()


def test_the_test_environment_has_no_cjk_font(tmp_path: Path) -> None:
    # What makes the rendering checks below meaningful: poppler finds no font of its own.
    conf = tmp_path / "fonts.conf"
    conf.write_text(EMPTY_FONTCONFIG)
    listed = subprocess.run(
        ["fc-list"], capture_output=True, text=True, env={"FONTCONFIG_FILE": str(conf)}
    )
    assert listed.stdout.strip() == ""


def test_every_font_is_embedded_as_a_subset() -> None:
    fonts = pdf_fonts(_document(TEXT))
    assert fonts, "the document uses no font at all"
    assert all(f.embedded and f.subset for f in fonts), fonts
    assert all(f.type.startswith("TrueType") for f in fonts), fonts
    assert all("WenQuanYiMicroHei" in f.name for f in fonts)


def test_chinese_renders_without_system_fonts() -> None:
    text_area = (55, 690, 420, 730)
    with_text = ink_pixels(render_page(_document(TEXT), dpi=100), text_area, dpi=100)
    blank = ink_pixels(render_page(_document(None), dpi=100), text_area, dpi=100)
    assert blank == 0
    # 14 glyphs at 24 pt: hundreds of dark pixels when the glyphs are really drawn.
    assert with_text > 1500


def test_text_stays_extractable() -> None:
    assert "准考证" in pdf_text(_document(TEXT))


def test_photo_is_drawn_and_a_missing_one_leaves_a_labelled_box() -> None:
    photo_area = (305, 405, 385, 515)
    dark = _png((10, 10, 10))
    with_photo = ink_pixels(render_page(_document(None, photo=dark)), photo_area)
    without = ink_pixels(render_page(_document(None)), photo_area)
    assert with_photo > 0.9 * 80 * 110
    assert 0 < without < 500
    assert "照片" in pdf_text(_document(None))


def test_a_damaged_photo_does_not_stop_the_document() -> None:
    assert _document(None, photo=b"not an image").startswith(b"%PDF-")


def test_qr_code_is_drawn() -> None:
    assert ink_pixels(render_page(_document(None)), (60, 400, 180, 520)) > 2000


@pytest.mark.parametrize(
    ("text", "width"), [("准考证号码与考场座位号", 60), ("https://example.cn/a/very/long/url", 80)]
)
def test_wrap_text_keeps_every_line_within_width(text: str, width: float) -> None:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    pdf.register_font()
    lines = pdf.wrap_text(text, 12, width)
    assert len(lines) > 1
    assert "".join(lines) == text
    assert all(stringWidth(line, pdf.FONT, 12) <= width for line in lines)


def test_missing_font_file_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(pdf.FONT_ENV, "/nonexistent/font.ttc")
    monkeypatch.setattr(pdf.pdfmetrics, "getRegisteredFontNames", lambda: [])
    with pytest.raises(pdf.PdfFontMissing, match="fonts-wqy-microhei"):
        pdf.register_font()


def test_qr_code_reads_back_as_a_phone_would() -> None:
    from skillcert.pdf_testing import read_qr_codes

    assert read_qr_codes(render_page(_document(None), dpi=150)) == [
        "https://example.cn/verify?no=1"
    ]
