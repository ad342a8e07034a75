from __future__ import annotations

import io
import math
from datetime import date

import pytest
from PIL import Image, ImageDraw

from certificate.pdf import CertificateContent, render_certificate


def _stamp_png(size: int = 240) -> bytes:
    # A red ring with a star: the shape of an official seal, without needing a CJK font.
    red = (200, 20, 20, 230)
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    draw.ellipse((6, 6, size - 6, size - 6), outline=red, width=size // 22)
    centre, outer = size / 2, size / 6
    points = []
    for i in range(10):
        radius = outer if i % 2 == 0 else outer * 0.4
        angle = -math.pi / 2 + i * math.pi / 5
        points.append((centre + radius * math.cos(angle), centre + radius * math.sin(angle)))
    draw.polygon(points, fill=red)
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


@pytest.fixture(scope="session")
def stamp_png() -> bytes:
    return _stamp_png()


def _photo_jpeg() -> bytes:
    # A dark figure on white, the proportions of a 一寸 ID photo.
    img = Image.new("RGB", (295, 413), (255, 255, 255))
    draw = ImageDraw.Draw(img)
    draw.ellipse((90, 60, 205, 190), fill=(60, 40, 30))
    draw.rectangle((50, 220, 245, 413), fill=(30, 30, 80))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=85)
    return out.getvalue()


@pytest.fixture(scope="session")
def photo_jpeg() -> bytes:
    return _photo_jpeg()


@pytest.fixture(scope="session")
def content(stamp_png: bytes, photo_jpeg: bytes) -> CertificateContent:
    return CertificateContent(
        holder_name="张三丰",
        id_number="110101********1234",
        occupation="电工/维修电工",
        level="三级/高级工",
        certificate_no="S000011000001234567",
        issue_date=date(2025, 6, 30),
        organisation_name="北京市某某职业技能培训评价有限公司",
        institution_name="北京市第一职业技能考核站",
        verify_url="https://skillcert.example.cn/verify/S000011000001234567",
        head_stamp_png=stamp_png,
        org_stamp_png=stamp_png,
        holder_photo=photo_jpeg,
    )


@pytest.fixture(scope="session")
def certificate_pdf(content: CertificateContent) -> bytes:
    return render_certificate(content)
