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


# Seed 003 §3.1: a transparent-background PNG of about 95×95 px, at most 1 MB. "About": a
# stamp scanned and cropped by hand is rarely exact, and the PDF scales it into a fixed box
# anyway, so a few pixels either way (and a sliver off square) print the same.
STAMP_SIDE_PX = 95
SIDE_TOLERANCE_PX = 10
SQUARE_TOLERANCE_PX = 2
# A corner pixel at or below this alpha counts as background showing through.
TRANSPARENT_ALPHA = 16


def png_problem(data: bytes) -> str | None:
    """Why `data` is not a PNG at all (Chinese, shown to the head), or None."""
    if not data.startswith(PNG_MAGIC):
        return "签名章须为 PNG 格式图片"
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return "签名章图片已损坏，无法读取"
    return None


def stamp_problems(data: bytes, max_bytes: int) -> list[str]:
    """Every reason `data` is not a usable stamp, each in words the head understands; empty
    when it is one. Each is reported, so one upload shows everything to fix."""
    problems: list[str] = []
    if len(data) > max_bytes:
        problems.append(f"签名章大小不能超过 {max_bytes // 1_000_000}M")
    not_png = png_problem(data)
    if not_png is not None:
        return [*problems, not_png]
    with Image.open(io.BytesIO(data)) as image:
        width, height = image.size
        if abs(width - height) > SQUARE_TOLERANCE_PX:
            problems.append(f"签名章须为正方形（当前 {width}×{height} 像素）")
        low, high = STAMP_SIDE_PX - SIDE_TOLERANCE_PX, STAMP_SIDE_PX + SIDE_TOLERANCE_PX
        if not (low <= width <= high and low <= height <= high):
            problems.append(
                f"签名章尺寸须约为 {STAMP_SIDE_PX}×{STAMP_SIDE_PX} 像素"
                f"（允许 {low}–{high} 像素，当前 {width}×{height}）"
            )
        if not _transparent_background(image):
            problems.append("签名章须为透明背景的 PNG 图片")
    return problems


def _transparent_background(image: Image.Image) -> bool:
    """A stamp's background is what surrounds the seal: all four corners must let the
    certificate show through, or the stamp prints as a coloured square."""
    if "A" not in image.getbands() and "transparency" not in image.info:
        return False
    rgba = image.convert("RGBA")
    w, h = rgba.size
    corners = [(0, 0), (w - 1, 0), (0, h - 1), (w - 1, h - 1)]
    alpha = rgba.getchannel("A").tobytes()
    return all(alpha[y * w + x] <= TRANSPARENT_ALPHA for x, y in corners)


def png_info(data: bytes) -> PngInfo:
    with Image.open(io.BytesIO(data)) as image:
        return PngInfo(width=image.width, height=image.height)


# The first version of the agreement, stored on first use; later versions are published by
# operators (POST /stamp-agreements) and each needs the head's acceptance again.
AGREEMENT_TITLE = "电子签名章使用授权委托书"
AGREEMENT_V1 = "\n\n".join(
    [
        (
            "本人作为本院校（考核站点）唯一的考核站点负责人，现将本人的电子签名章上传至职业技"
            "能等级证书管理平台，并作如下授权与承诺："
        ),
        (
            "一、授权平台在本人对职业技能等级证书进行“确认签发”操作时，将本人上传的电子签名"
            "章加盖于该证书电子版的考核站点负责人签章位置。电子签名章仅限于确认签发证书时使用"
            "，不作他用。"
        ),
        (
            "二、本人确认签发即表示本院校已核对发证记录和成绩准确无误；确认签发须经本人再次验证"
            "（第二设备或短信验证码），一经签发不可撤回。"
        ),
        (
            "三、电子签名章仅由本人登录考核站点负责人账号上传和管理，其他人员（包括本院校业务"
            "管理员）均无权查看与使用。本人妥善保管账号、密码及手机，因保管不善造成的后果由本"
            "人承担。"
        ),
        (
            "四、本人如更换电子签名章，以最后一次上传并确认的签名章为准；本授权自本人勾选同意"
            "之日起生效，至本人不再担任考核站点负责人或平台发布新版本委托书之日止。"
        ),
        ("五、平台记录本人同意本委托书的时间、版本和访问地址，作为授权凭证。"),
    ]
)
