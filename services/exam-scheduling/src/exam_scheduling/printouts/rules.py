"""File names inside a site's printout zip. No I/O."""

from __future__ import annotations

import re

_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')


def file_name(room_number: int, room_name: str, kind: str) -> str:
    """`02-2号机房-签到表.pdf`: sorted by room, readable, safe on every desktop system."""
    safe = _UNSAFE.sub("_", room_name).strip("_") or "room"
    return f"{room_number:02d}-{safe}-{kind}.pdf"
