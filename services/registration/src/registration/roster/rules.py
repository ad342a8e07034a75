"""Student roster rules (考生管理, seed 003 §2.2.4). Pure functions and constants, no I/O.

* An institution keeps two kinds of students: its own (院校考生) and trainees it recruits from
  society with the organisation (社会考生). Both need name, 姓名拼音, ID and mobile; a school
  student also needs 就读专业, 专业层次 and 入学年份, which a trainee may not have.
* Students are imported once (不要重复导入) from the template (CSV or Excel) or added one by
  one; importing a student already on the roster updates them (批量修改 is a re-import).
* An import is all or nothing: every bad cell and every ID number listed twice in the file is
  reported at once (``rows[<line>].<field>``, lines as the spreadsheet numbers them, header = 1).
* ID numbers and mobiles are checked as on the application form (`applications.rules`).
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Final

from PIL import Image, ImageOps, UnidentifiedImageError

from registration.forms.rules import ID_TYPES
from skillcert.states import StateMachine


class StudentType(StrEnum):
    INSTITUTION = "institution"  # 院校考生: the institution's own students
    SOCIAL = "social"  # 社会考生: trainees recruited from society


STUDENT_TYPES: Final[dict[StudentType, str]] = {
    StudentType.INSTITUTION: "院校考生",
    StudentType.SOCIAL: "社会考生",
}

#: 专业层次 of the 1+X pilots, which run in secondary vocational schools, higher vocational
#: colleges and (applied) universities; named as the 2021 职业教育专业目录 names its levels.
MAJOR_LEVELS: Final[tuple[str, ...]] = ("中职", "高职专科", "职业本科", "本科")

#: Oldest 入学年份 accepted, in years before the current one: a pilot student is studying now.
ENROLMENT_YEARS_BACK: Final = 20

#: Fields a school student (院校考生) must have and a trainee (社会考生) may leave blank.
STUDY_FIELDS: Final[tuple[str, ...]] = ("major", "major_level", "enrolment_year")

# --- the import template ------------------------------------------------------------------------

#: The template's columns, in order: (header, API field).
COLUMNS: Final[tuple[tuple[str, str], ...]] = (
    ("姓名", "name"),
    ("姓名拼音", "name_pinyin"),
    ("证件类型", "id_type"),
    ("证件号码", "id_number"),
    ("手机号码", "phone"),
    ("就读专业", "major"),
    ("专业层次", "major_level"),
    ("入学年份", "enrolment_year"),
    ("考生类型", "student_type"),
)
HEADERS: Final[tuple[str, ...]] = tuple(header for header, _ in COLUMNS)
HEADER_OF: Final[dict[str, str]] = {field: header for header, field in COLUMNS}
FIELD_OF: Final[dict[str, str]] = dict(COLUMNS)
#: Columns Excel must keep as text: long digit strings would otherwise turn into numbers.
TEXT_COLUMNS: Final[tuple[str, ...]] = ("证件号码", "手机号码", "入学年份")
#: Dropdowns of the Excel template: header -> the values offered.
CHOICES: Final[dict[str, tuple[str, ...]]] = {
    "证件类型": tuple(ID_TYPES.values()),
    "专业层次": MAJOR_LEVELS,
    "考生类型": tuple(STUDENT_TYPES.values()),
}

MAX_FILE_BYTES: Final = 2 * 1024 * 1024
MAX_ROWS: Final = 5000


def enrolment_year_problem(year: int, today: date) -> str | None:
    """入学年份 must be a year that has begun, and not implausibly long ago."""
    if year > today.year:
        return f"入学年份不能晚于当前年份（{today.year}年）"
    if year < today.year - ENROLMENT_YEARS_BACK:
        return f"入学年份不能早于{today.year - ENROLMENT_YEARS_BACK}年"
    return None


def row_field(line: int, field: str) -> str:
    """Where a problem of the import lies: the spreadsheet line and the API field."""
    return f"rows[{line}].{field}"


def row_message(line: int, field: str, problem: str) -> str:
    """The problem as a teacher reads it next to the spreadsheet: line and column named."""
    column = HEADER_OF.get(field)
    return f"第{line}行“{column}”：{problem}" if column else f"第{line}行：{problem}"


def duplicate_key(raw_id_number: str) -> str:
    """What makes two lines the same student: the ID number, spacing and case aside."""
    return "".join(raw_id_number.split()).upper()


def label_to_code(labels: dict[str, str], value: str) -> str | None:
    """The code of an option given by its Chinese label (as the template has it) or by code."""
    value = value.strip()
    if value in labels:
        return value
    return next((code for code, label in labels.items() if label == value), None)


# --- photos (批量导入考生照片) --------------------------------------------------------------------
#
# The institution zips 小一寸 photos named 身份证号.jpg. Every entry is judged on its own by its
# content (Pillow decodes it; the name only says whose it is) and reported: matched, or why not.
# The zip itself is guarded before anything is decoded: its size, its number of entries, each
# entry's declared and real size (a zip bomb declares little and inflates a lot) and its name
# (absolute paths and ``..`` are refused, never resolved: nothing is written to disk anyway).


class PhotoStatus(StrEnum):
    MISSING = "missing"  # 未导入照片
    CHECKED = "checked"  # 照片已通过检查


PHOTO_STATUSES: Final[dict[PhotoStatus, str]] = {
    PhotoStatus.MISSING: "未导入照片",
    PhotoStatus.CHECKED: "照片已通过检查",
}


class PhotoOutcome(StrEnum):
    """What became of one file of the zip."""

    MATCHED = "matched"  # 已匹配
    NO_STUDENT = "no_student"  # 名单中无此证件号码的考生
    BAD_NAME = "bad_name"  # 文件名不是身份证号.jpg/.png
    DUPLICATE = "duplicate"  # 同一考生的照片在压缩包中出现多次
    WRONG_SIZE = "wrong_size"  # 像素不是295×413
    NOT_RED = "not_red"  # 背景不是红色
    TOO_BIG = "too_big"  # 超过5MB
    NOT_IMAGE = "not_image"  # 不是JPG/PNG图片


PHOTO_OUTCOMES: Final[dict[PhotoOutcome, str]] = {
    PhotoOutcome.MATCHED: "已匹配",
    PhotoOutcome.NO_STUDENT: "无此考生",
    PhotoOutcome.BAD_NAME: "文件名不正确",
    PhotoOutcome.DUPLICATE: "照片重复",
    PhotoOutcome.WRONG_SIZE: "像素不符",
    PhotoOutcome.NOT_RED: "非红色底",
    PhotoOutcome.TOO_BIG: "超过5MB",
    PhotoOutcome.NOT_IMAGE: "不是图片",
}

PHOTO_FORMATS: Final[dict[str, str]] = {"JPEG": "image/jpeg", "PNG": "image/png"}
PHOTO_SIZE: Final = (295, 413)  # 小一寸 at 300 dpi (2.7 cm × 3.8 cm), width × height
PHOTO_MAX_BYTES: Final = 5 * 1024 * 1024
ZIP_MAX_BYTES: Final = 50 * 1024 * 1024
ZIP_MAX_ENTRIES: Final = 1000
# Sum of what the entries declare they inflate to: more than any honest zip of photos within
# the limits above, so a bomb is refused before a byte is inflated.
ZIP_MAX_INFLATED_BYTES: Final = 200 * 1024 * 1024
# The border band judged for the red background: the top and the upper halves of both sides
# (the shoulders reach the bottom and the lower sides), 4 % of the width, at least 4 px.
BAND_SHARE: Final = 0.04
BAND_MIN_PX: Final = 4
# A band pixel is red when its red channel is bright and clearly above green and blue; the
# studio reds of ID photos (255,0,0 … 200,30,30) pass, white, blue and grey fail, and JPEG
# noise or stray hair at the edge stays within the share allowed to differ.
RED_MIN: Final = 150
RED_MARGIN: Final = 70
RED_MIN_SHARE: Final = 0.85
#: EXIF orientations that turn the stored picture by 90°: its stored width is its height.
_SIDEWAYS: Final = frozenset({5, 6, 7, 8})
_EXIF_ORIENTATION: Final = 0x0112


@dataclass(frozen=True)
class PhotoVerdict:
    outcome: PhotoOutcome
    message: str
    content_type: str | None = None

    @property
    def ok(self) -> bool:
        return self.outcome is PhotoOutcome.MATCHED


def photo_verdict(data: bytes) -> PhotoVerdict:
    """Judge one photo by what it is: a JPG/PNG (decoded, so a renamed or truncated file fails),
    at most 5 MB, 295×413 px as shown, on a red background. MATCHED means acceptable."""
    if len(data) > PHOTO_MAX_BYTES:
        return PhotoVerdict(PhotoOutcome.TOO_BIG, f"照片不能超过5MB（当前 {_mb(len(data))}MB）")
    not_image = PhotoVerdict(PhotoOutcome.NOT_IMAGE, "文件不是JPG或PNG图片")
    try:
        with Image.open(io.BytesIO(data)) as image:
            content_type = PHOTO_FORMATS.get(image.format or "")
            size = image.size
            orientation = image.getexif().get(_EXIF_ORIENTATION) if content_type else None
            if content_type is None:
                return not_image
            # Judged before any pixel is decoded: a decompression bomb declares a huge size.
            shown = (size[1], size[0]) if orientation in _SIDEWAYS else size
            if shown != PHOTO_SIZE:
                width, height = PHOTO_SIZE
                return PhotoVerdict(
                    PhotoOutcome.WRONG_SIZE,
                    f"照片像素应为{width}×{height}（当前 {shown[0]}×{shown[1]}）",
                    content_type,
                )
            # Decoding every pixel, not the magic bytes: a truncated file fails here.
            picture = ImageOps.exif_transpose(image).convert("RGB")
    except Image.DecompressionBombError:  # Pillow's own guard, at open: far too many pixels
        width, height = PHOTO_SIZE
        message = f"照片像素过大，应为{width}×{height}"
        return PhotoVerdict(PhotoOutcome.WRONG_SIZE, message)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return not_image
    if red_share(picture) < RED_MIN_SHARE:
        return PhotoVerdict(PhotoOutcome.NOT_RED, "照片底色须为红色", content_type)
    return PhotoVerdict(PhotoOutcome.MATCHED, "已匹配", content_type)


def red_share(image: Image.Image) -> float:
    """The share (0–1) of the border band's pixels that are red."""
    width, height = image.size
    band = max(BAND_MIN_PX, round(width * BAND_SHARE))
    regions = (
        (0, 0, width, band),  # top
        (0, band, band, height // 2),  # left, upper half
        (width - band, band, width, height // 2),  # right, upper half
    )
    red = total = 0
    for box in regions:
        pixels = image.crop(box).tobytes()  # RGB, three bytes a pixel
        for start in range(0, len(pixels), 3):
            r, g, b = pixels[start], pixels[start + 1], pixels[start + 2]
            total += 1
            if r >= RED_MIN and r - g >= RED_MARGIN and r - b >= RED_MARGIN:
                red += 1
    return red / total if total else 0.0


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}"


def photo_id_number(name: str) -> str | None:
    """The ID number a zip entry's file name gives (身份证号.jpg, in a folder or not), or None
    when the name is not of that form. The extension says nothing: the content is judged."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    stem = base.rsplit(".", 1)[0] if "." in base else base
    number = stem.strip().upper()
    digits = sum(ch.isdigit() for ch in number)
    return number if _ID_NAME_RE.match(number) and digits >= _ID_MIN_DIGITS else None


_ID_NAME_RE: Final = re.compile(r"^[0-9A-Z()（）-]{5,30}$")
#: Every ID number we take (resident ID, passports, HK/Macao/Taiwan permits) has this many.
_ID_MIN_DIGITS: Final = 6


def unsafe_entry_name(name: str) -> bool:
    """An absolute path, a drive or a ``..`` step: a hostile name, refused however used."""
    normal = name.replace("\\", "/")
    parts = normal.split("/")
    return normal.startswith("/") or ":" in parts[0] or ".." in parts


def skipped_entry(name: str) -> bool:
    """Folders and what archivers add on their own (macOS resource forks, thumbnails)."""
    normal = name.replace("\\", "/")
    base = normal.rsplit("/", 1)[-1]
    return (
        normal.endswith("/")
        or normal.startswith("__MACOSX/")
        or base.startswith("._")
        or base in ("Thumbs.db", ".DS_Store")
    )


@dataclass(frozen=True)
class ZipPhoto:
    """One file of the photo zip: whose it claims to be and its bytes, or why it was refused
    before being looked at."""

    name: str
    id_number: str | None
    data: bytes | None = None
    refused: PhotoVerdict | None = None


class PhotoZipError(ValueError):
    """The zip as a whole is refused (the message is for the teacher)."""


def read_photo_zip(data: bytes) -> list[ZipPhoto]:
    """The photos of the zip, guarded: the file at most ZIP_MAX_BYTES, at most ZIP_MAX_ENTRIES
    files, their declared inflated sizes summing to at most ZIP_MAX_INFLATED_BYTES; each file
    read no further than PHOTO_MAX_BYTES + 1, whatever its header declares."""
    if len(data) > ZIP_MAX_BYTES:
        raise PhotoZipError(f"压缩包不能超过{ZIP_MAX_BYTES // 1024 // 1024}MB")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = [e for e in archive.infolist() if not skipped_entry(e.filename)]
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise PhotoZipError("文件不是有效的ZIP压缩包") from exc
    if not entries:
        raise PhotoZipError("压缩包中没有照片")
    if len(entries) > ZIP_MAX_ENTRIES:
        raise PhotoZipError(f"压缩包中的文件不能超过{ZIP_MAX_ENTRIES}个，请分批导入")
    if sum(e.file_size for e in entries) > ZIP_MAX_INFLATED_BYTES:
        raise PhotoZipError("压缩包解压后过大，请分批导入")
    photos: list[ZipPhoto] = []
    with archive:
        for entry in entries:
            name = entry.filename
            if unsafe_entry_name(name):
                refused = PhotoVerdict(PhotoOutcome.BAD_NAME, "文件名含非法路径")
                photos.append(ZipPhoto(name, None, refused=refused))
                continue
            id_number = photo_id_number(name)
            if id_number is None:
                refused = PhotoVerdict(PhotoOutcome.BAD_NAME, "文件名应为“身份证号.jpg”")
                photos.append(ZipPhoto(name, None, refused=refused))
                continue
            if entry.file_size > PHOTO_MAX_BYTES:
                too_big = f"照片不能超过5MB（当前 {_mb(entry.file_size)}MB）"
                refused = PhotoVerdict(PhotoOutcome.TOO_BIG, too_big)
                photos.append(ZipPhoto(name, id_number, refused=refused))
                continue
            try:
                with archive.open(entry) as stream:
                    content = stream.read(PHOTO_MAX_BYTES + 1)
            except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, NotImplementedError):
                # corrupt, encrypted, or inflating past what its header declared
                refused = PhotoVerdict(PhotoOutcome.NOT_IMAGE, "文件已损坏或已加密，无法读取")
                photos.append(ZipPhoto(name, id_number, refused=refused))
                continue
            photos.append(ZipPhoto(name, id_number, data=content))
    return photos


# --- identity (实名认证, 人工确认) ---------------------------------------------------------------


class IdentityStatus(StrEnum):
    UNCHECKED = "unchecked"  # 未核验: no automatic check has judged the student yet
    PASSED = "passed"  # 核验通过 (人脸核身)
    FAILED = "failed"  # 核验失败: the institution must check by hand
    CONFIRMED = "confirmed"  # 人工确认无误


IDENTITY_STATUSES: Final[dict[IdentityStatus, str]] = {
    IdentityStatus.UNCHECKED: "未核验",
    IdentityStatus.PASSED: "核验通过",
    IdentityStatus.FAILED: "核验失败",
    IdentityStatus.CONFIRMED: "已人工确认",
}

#: What the institution may do to a student's identity status. 人工确认 is for those whose
#: automatic check failed — and, as long as no 人脸核身 provider is connected, for those it has
#: not judged. A change of name or photo sends the student back to UNCHECKED (RECHECK).
IDENTITY = StateMachine.of_targets(
    {
        IdentityStatus.UNCHECKED: {IdentityStatus.CONFIRMED},
        IdentityStatus.FAILED: {IdentityStatus.CONFIRMED, IdentityStatus.UNCHECKED},
        IdentityStatus.PASSED: {IdentityStatus.UNCHECKED},
        IdentityStatus.CONFIRMED: {IdentityStatus.UNCHECKED},
    },
    refusal=lambda current, _: f"该考生{IDENTITY_STATUSES[IdentityStatus(current)]}，无需人工确认",
)

CONFIRMATION_REASON_MAX: Final = 200


class AuditAction(StrEnum):
    IDENTITY_CONFIRMED = "identity_confirmed"  # 人工确认
    EXPORTED = "exported"  # 批量导出 (full ID numbers and phones)


AUDIT_ACTIONS: Final[dict[AuditAction, str]] = {
    AuditAction.IDENTITY_CONFIRMED: "人工确认",
    AuditAction.EXPORTED: "批量导出考生信息",
}


# --- 报考 and 发证 --------------------------------------------------------------------------------


def exam_blocker(photo_status: str) -> str | None:
    """Why the student cannot be registered for an exam (报考) or certified, or None.
    The photo goes on the admission ticket and the certificate: no checked photo, no exam."""
    if photo_status != PhotoStatus.CHECKED:
        return "考生照片未导入或未通过检查，不能报考或发证"
    return None
