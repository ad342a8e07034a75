"""Material rules: which files are acceptable for which kind of document. Pure: they look at
bytes and declared values, never at storage."""

from __future__ import annotations

import io
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from PIL import Image, ImageOps, ImageStat, UnidentifiedImageError

from skillcert.errors import FieldError


class DocumentKind(StrEnum):
    PHOTO = "photo"  # 白底证件照
    ID_FRONT = "id_front"  # 身份证人像面
    ID_BACK = "id_back"  # 身份证国徽面
    APPLICATION_FORM = "application_form"  # 申报表 / 职业技能认定登记表
    PRIOR_CERTIFICATE = "prior_certificate"  # 上一级别证书
    WORK_PLEDGE = "work_pledge"  # 工作经历承诺书
    DIPLOMA = "diploma"  # 毕业证书
    EDUCATION_PLEDGE = "education_pledge"  # 学历承诺书


KIND_LABELS: Final[dict[str, str]] = {
    DocumentKind.PHOTO: "白底证件照",
    DocumentKind.ID_FRONT: "身份证人像面照片",
    DocumentKind.ID_BACK: "身份证国徽面照片",
    DocumentKind.APPLICATION_FORM: "申报表",
    DocumentKind.PRIOR_CERTIFICATE: "上一级别证书",
    DocumentKind.WORK_PLEDGE: "工作经历承诺书",
    DocumentKind.DIPLOMA: "毕业证书",
    DocumentKind.EDUCATION_PLEDGE: "学历承诺书",
}


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)


class DocumentStatus(StrEnum):
    PENDING = "pending"  # URL handed out, not yet confirmed
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    SUPERSEDED = "superseded"  # replaced by a later accepted document of its kind


KB: Final = 1024
PHOTO_MIN_BYTES: Final = 40 * KB  # seeds 001/004: JPG, 40k–80k
PHOTO_MAX_BYTES: Final = 80 * KB
OTHER_MAX_BYTES: Final = 5 * KB * KB
PHOTO_TYPES: Final = frozenset({"image/jpeg"})
OTHER_TYPES: Final = frozenset({"image/jpeg", "image/png", "application/pdf"})

# A plausible ID photo (一寸/二寸证件照, 25×35 mm ≈ 0.71, 35×49 mm ≈ 0.71; 295×413 px at
# 300 dpi): portrait, neither a thumbnail nor a camera frame.
PHOTO_MIN_WIDTH: Final = 260
PHOTO_MAX_WIDTH: Final = 720
PHOTO_MIN_RATIO: Final = 0.65  # width / height
PHOTO_MAX_RATIO: Final = 0.85
# The white background is judged on a band along the top and the upper halves of both sides
# (the shoulders reach the bottom and the lower sides): 4 % of the width, at least 4 px.
BAND_SHARE: Final = 0.04
BAND_MIN_PX: Final = 4
# Mean brightness (luma, 0–255) of the band at least this: white paper under studio light reads
# ~235–255, a light-grey or light-blue backdrop ~190–215.
BACKGROUND_MIN_BRIGHTNESS: Final = 220
# Mean saturation (HSV, 0–255) at most this: white is ~0–10, the light-blue backdrop common in
# ID photos 40+; JPEG noise and hair at the edge stay well below.
BACKGROUND_MAX_SATURATION: Final = 30

_MAGIC: Final[tuple[tuple[bytes, str], ...]] = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"%PDF-", "application/pdf"),
)


def size_bounds(kind: str) -> tuple[int, int]:
    if kind == DocumentKind.PHOTO:
        return PHOTO_MIN_BYTES, PHOTO_MAX_BYTES
    return 1, OTHER_MAX_BYTES


def allowed_types(kind: str) -> frozenset[str]:
    return PHOTO_TYPES if kind == DocumentKind.PHOTO else OTHER_TYPES


def size_problem(kind: str, size: int) -> str | None:
    low, high = size_bounds(kind)
    if kind == DocumentKind.PHOTO and not low <= size <= high:
        return f"照片大小应在40KB至80KB之间（当前 {size / KB:.1f}KB）"
    if size > high:
        return "文件不能超过5MB"
    if size < low:
        return "文件为空"
    return None


def declared_problems(kind: str, content_type: str, size: int) -> list[FieldError]:
    """Refuse at once what could never be accepted, before handing out an upload URL."""
    errors: list[FieldError] = []
    if content_type not in allowed_types(kind):
        message = "照片须为JPG格式" if kind == DocumentKind.PHOTO else "文件须为JPG、PNG或PDF格式"
        errors.append(FieldError(field="content_type", message=message, code="content_type"))
    if (problem := size_problem(kind, size)) is not None:
        errors.append(FieldError(field="size", message=problem, code="size"))
    return errors


def sniff(data: bytes) -> str | None:
    """The content type the bytes really are (magic numbers), not what the name claims."""
    return next((ctype for magic, ctype in _MAGIC if data.startswith(magic)), None)


@dataclass(frozen=True)
class Verdict:
    content_type: str | None
    problem: str | None = None
    code: str = "invalid"

    @property
    def ok(self) -> bool:
        return self.problem is None


def inspect(kind: str, data: bytes) -> Verdict:
    """Check an uploaded file against the rules of its kind."""
    if (problem := size_problem(kind, len(data))) is not None:
        return Verdict(sniff(data), problem, "size")
    if kind == DocumentKind.PHOTO:
        return _inspect_photo(data)
    content_type = sniff(data)
    if content_type not in OTHER_TYPES:
        return Verdict(content_type, "文件须为JPG、PNG或PDF格式", "content_type")
    return Verdict(content_type)


def _inspect_photo(data: bytes) -> Verdict:
    # Decoding, not the extension or the magic bytes alone: a renamed PNG or a truncated
    # file must not pass as a JPEG.
    try:
        with Image.open(io.BytesIO(data)) as image:
            image_format = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return Verdict(sniff(data), "照片无法识别，请上传JPG格式的照片", "content_type")
    if image_format != "JPEG":
        return Verdict(sniff(data), "照片须为JPG格式", "content_type")
    # verify() leaves the image unusable: open it again to look at the pixels.
    try:
        with Image.open(io.BytesIO(data)) as raw:
            # Phones store portraits sideways with an EXIF note; judge it as it is shown.
            shown = ImageOps.exif_transpose(raw).convert("RGB")
    except (OSError, SyntaxError, ValueError):
        return Verdict("image/jpeg", "照片无法识别，请上传JPG格式的照片", "content_type")
    if (problem := _shape_problem(*shown.size)) is not None:
        return Verdict("image/jpeg", problem, "dimensions")
    if (problem := _background_problem(shown)) is not None:
        return Verdict("image/jpeg", problem, "background")
    return Verdict("image/jpeg")


def _shape_problem(width: int, height: int) -> str | None:
    if not PHOTO_MIN_WIDTH <= width <= PHOTO_MAX_WIDTH:
        return (
            f"照片宽度应在{PHOTO_MIN_WIDTH}至{PHOTO_MAX_WIDTH}像素之间（当前 {width} 像素），"
            "请上传标准证件照"
        )
    ratio = width / height
    if not PHOTO_MIN_RATIO <= ratio <= PHOTO_MAX_RATIO:
        return f"照片比例不符合证件照要求（宽高比应在0.65至0.85之间，当前 {ratio:.2f}）"
    return None


def background_of(image: Image.Image) -> tuple[float, float]:
    """(mean brightness, mean saturation) of the border band, both 0–255."""
    width, height = image.size
    band = max(BAND_MIN_PX, round(width * BAND_SHARE))
    regions = (
        (0, 0, width, band),  # top
        (0, band, band, height // 2),  # left, upper half
        (width - band, band, width, height // 2),  # right, upper half
    )
    brightness = saturation = 0.0
    pixels = 0
    for box in regions:
        part = image.crop(box)
        count = part.width * part.height
        brightness += ImageStat.Stat(part.convert("L")).mean[0] * count
        saturation += ImageStat.Stat(part.convert("HSV")).mean[1] * count
        pixels += count
    return brightness / pixels, saturation / pixels


def _background_problem(image: Image.Image) -> str | None:
    brightness, saturation = background_of(image)
    if brightness < BACKGROUND_MIN_BRIGHTNESS or saturation > BACKGROUND_MAX_SATURATION:
        return "照片须为白色背景的证件照，请更换白底照片后重新上传"
    return None
