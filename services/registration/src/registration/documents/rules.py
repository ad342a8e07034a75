"""Material rules: which files are acceptable for which kind of document. Pure: they look at
bytes and declared values, never at storage."""

from __future__ import annotations

import io
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from PIL import Image, UnidentifiedImageError

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
    return Verdict("image/jpeg")
