"""Stamp rules (签名章): where uploads go and what a usable stamp image is. No I/O."""

from __future__ import annotations

import io
from dataclasses import dataclass
from uuid import uuid4

from PIL import Image, UnidentifiedImageError

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


# Organisation stamps (培训评价组织公章) share the table with institution heads' stamps; the
# prefix keeps an org_id from ever meeting an institution code.
ORGANISATION_OWNER_PREFIX = "org:"


def organisation_owner(org_id: str) -> str:
    return f"{ORGANISATION_OWNER_PREFIX}{org_id}"


def upload_key(institution_id: str) -> str:
    # A fresh key per upload: a half-finished upload never replaces the stamp in use.
    return f"stamps/{institution_id}/{uuid4().hex}.png"


def belongs_to(key: str, institution_id: str) -> bool:
    prefix = f"stamps/{institution_id}/"
    return key.startswith(prefix) and "/" not in key[len(prefix) :] and ".." not in key


@dataclass(frozen=True)
class PngInfo:
    width: int
    height: int


def png_problem(data: bytes) -> str | None:
    """Why `data` is not a usable stamp (Chinese, shown to the head), or None."""
    if not data.startswith(PNG_MAGIC):
        return "签名章须为 PNG 格式图片"
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return "签名章图片已损坏，无法读取"
    return None


def png_info(data: bytes) -> PngInfo:
    with Image.open(io.BytesIO(data)) as image:
        return PngInfo(width=image.width, height=image.height)
