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


def test_chinese_text_uses_builtin_cid_font(certificate_pdf: bytes) -> None:
    page = PdfFileReader(io.BytesIO(certificate_pdf)).root["/Pages"]["/Kids"][0]
    fonts = page["/Resources"]["/Font"]
    base_fonts = {str(fonts[name]["/BaseFont"]) for name in fonts}
    assert "/STSong-Light" in base_fonts


def test_render_creates_two_empty_signature_fields(certificate_pdf: bytes) -> None:
    reader = PdfFileReader(io.BytesIO(certificate_pdf))
    fields = {name: value for name, value, _ in enumerate_sig_fields(reader)}
    assert set(fields) == {HEAD_SIGNATURE_FIELD, ORG_SIGNATURE_FIELD}
    assert all(value is None for value in fields.values())


def test_render_without_stamps(content: CertificateContent) -> None:
    pdf = render_certificate(dataclasses.replace(content, head_stamp_png=None, org_stamp_png=None))
    assert pdf.startswith(b"%PDF-")
    assert b"/Subtype /Image" not in pdf
