from __future__ import annotations

import dataclasses
import io

from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import enumerate_sig_fields

from certificate.pdf import (
    HEAD_SIGNATURE_FIELD,
    ORG_SIGNATURE_FIELD,
    CertificateContent,
    render_certificate,
)
from certificate.pdf.render import PAGE_HEIGHT, PAGE_WIDTH
from skillcert.pdf_testing import ink_pixels, pdf_fonts, pdf_text, read_qr_codes, render_page


def _page_text_ops(pdf: bytes) -> bytes:
    page = PdfFileReader(io.BytesIO(pdf)).root["/Pages"]["/Kids"][0]
    contents = page["/Contents"]
    streams = contents if isinstance(contents, list) else [contents]
    return b"".join(s.data for s in streams)


def test_render_produces_a4_landscape_pdf(certificate_pdf: bytes) -> None:
    assert certificate_pdf.startswith(b"%PDF-")
    assert len(certificate_pdf) > 5_000
    page = PdfFileReader(io.BytesIO(certificate_pdf)).root["/Pages"]["/Kids"][0]
    llx, lly, urx, ury = (float(v) for v in page["/MediaBox"])
    assert (round(urx - llx), round(ury - lly)) == (842, 595)


def test_certificate_number_is_extractable_text(
    certificate_pdf: bytes, content: CertificateContent
) -> None:
    ops = _page_text_ops(certificate_pdf)
    assert f"({content.certificate_no}) Tj".encode() in ops
    assert f"({content.id_number}) Tj".encode() in ops


def test_every_font_is_embedded_as_a_subset(certificate_pdf: bytes) -> None:
    fonts = pdf_fonts(certificate_pdf)
    assert fonts
    assert all(f.embedded and f.subset for f in fonts), fonts


def test_chinese_renders_on_a_machine_without_chinese_fonts(certificate_pdf: bytes) -> None:
    page = render_page(certificate_pdf, dpi=100)
    # The title 职业技能等级证书, centred near the top; the paper colour counts as blank.
    title = (PAGE_WIDTH / 2 - 180, PAGE_HEIGHT - 104, PAGE_WIDTH / 2 + 180, PAGE_HEIGHT - 56)
    assert ink_pixels(page, title, dpi=100) > 3000
    text = pdf_text(certificate_pdf)
    assert "张三丰" in text and "职业技能等级证书" in text.replace(" ", "")


def test_the_qr_code_reads_as_the_printed_verification_link(
    certificate_pdf: bytes, content: CertificateContent
) -> None:
    assert read_qr_codes(render_page(certificate_pdf, dpi=150)) == [content.verify_url]
    assert content.verify_url in pdf_text(certificate_pdf)


def test_the_holder_photo_is_printed_and_a_missing_one_leaves_a_box(
    content: CertificateContent, certificate_pdf: bytes
) -> None:
    without = render_certificate(dataclasses.replace(content, holder_photo=None))
    # The photo box: left of the QR code, level with the first rows.
    box = (480, 320, 560, 430)
    assert ink_pixels(render_page(certificate_pdf), box) > 4 * ink_pixels(render_page(without), box)
    assert "照片" in pdf_text(without)


def test_render_creates_two_empty_signature_fields(certificate_pdf: bytes) -> None:
    reader = PdfFileReader(io.BytesIO(certificate_pdf))
    fields = {name: value for name, value, _ in enumerate_sig_fields(reader)}
    assert set(fields) == {HEAD_SIGNATURE_FIELD, ORG_SIGNATURE_FIELD}
    assert all(value is None for value in fields.values())


def test_render_without_stamps(content: CertificateContent) -> None:
    pdf = render_certificate(
        dataclasses.replace(content, head_stamp_png=None, org_stamp_png=None, holder_photo=None)
    )
    assert pdf.startswith(b"%PDF-")
    assert b"/Subtype /Image" not in pdf
