"""What an admission ticket says and what its QR code carries. No I/O."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from skillcert.events import SubmittedDocument
from skillcert.pii import mask_id_number

PHOTO_KIND = "photo"
# Registration accepts ID photos of 40–80 KB; anything far larger is not the photo it checked.
PHOTO_MAX_BYTES = 2 * 1024 * 1024

TICKET_ISSUER = "skillcert-exam-scheduling"
TICKET_AUDIENCE = "skillcert-admission-ticket"
TICKET_ALGORITHM = "ES256"
# A ticket's signature is checked at the door; a day past the exam's end it has no use.
VALID_AFTER_EXAM = timedelta(days=1)

# 考场规则 printed on every ticket.
EXAM_RULES: tuple[str, ...] = (
    "考生须持本准考证和有效身份证件原件，于开考前30分钟到达考场，凭证入场。",
    "开考15分钟后不得入场；考试开始30分钟内不得交卷离场。",
    "考生须按准考证上的考场、座位号就座，并将准考证、身份证件放在桌面左上角备查。",
    "严禁携带手机、智能手表等通讯、存储设备及书籍资料进入考场座位。",
    "考试期间保持安静，服从监考人员管理；违纪、作弊者按有关规定处理。",
    "本准考证正面二维码由考核系统签名，供入场核验，请勿折叠、涂改。",
)


def photo_of(documents: Iterable[SubmittedDocument]) -> SubmittedDocument | None:
    """The application's ID photo: the last one listed if it lists several."""
    photos = [d for d in documents if d.kind == PHOTO_KIND]
    return photos[-1] if photos else None


def exam_address(room_address: str | None, site_address: str) -> str:
    """A room may lie elsewhere than its site's main address (another campus): its own wins."""
    return room_address.strip() if room_address and room_address.strip() else site_address


def ticket_claims(
    *,
    ticket_number: str,
    candidate_name: str,
    id_number: str,
    plan_id: str,
    room_name: str,
    seat_number: int,
    exam_starts_at: datetime,
    exam_ends_at: datetime,
    issued_at: datetime,
) -> dict[str, Any]:
    """The QR code's signed claims: enough for an offline device to show who sits where.

    The ID number is masked as printed: the door compares it with the ID card in hand."""
    return {
        "iss": TICKET_ISSUER,
        "aud": TICKET_AUDIENCE,
        "sub": ticket_number,
        "name": candidate_name,
        "idm": mask_id_number(id_number) or "",
        "plan": plan_id,
        "room": room_name,
        "seat": seat_number,
        "start": int(exam_starts_at.timestamp()),
        "iat": int(issued_at.timestamp()),
        "exp": int((exam_ends_at + VALID_AFTER_EXAM).timestamp()),
    }
