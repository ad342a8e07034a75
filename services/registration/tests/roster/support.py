"""Helpers of the roster tests: template files, an institution's headers, stored rows."""

from __future__ import annotations

import csv
import io
import random
import zipfile
from datetime import date
from typing import Any

import httpx
import openpyxl
from PIL import Image
from sqlalchemy import func, select

from registration.roster.models import RosterStudent
from registration.roster.rules import HEADERS
from skillcert.auth import Role
from skillcert.testing import ServiceHarness
from tests.conftest import API, resident_id

ROSTER = f"{API}/roster/students"
SCHOOL = "INST-001"
OTHER_SCHOOL = "INST-002"


def student_id(n: int) -> str:
    """A distinct valid resident ID number per `n`."""
    return resident_id(date(2003, 1 + n // 28, 1 + n % 28), male=n % 2 == 1)


def row(n: int, **overrides: Any) -> dict[str, Any]:
    """One template line by header: a school student (院校考生) unless overridden."""
    values: dict[str, Any] = {
        "姓名": f"学生{n}",
        "姓名拼音": "XUE Sheng",
        "证件类型": "居民身份证",
        "证件号码": student_id(n),
        "手机号码": f"138{n:08d}",
        "就读专业": "物流管理",
        "专业层次": "高职专科",
        "入学年份": "2023",
        "考生类型": "院校考生",
    }
    values.update(overrides)
    return values


def csv_file(*rows: dict[str, Any], encoding: str = "utf-8-sig") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADERS)
    for values in rows:
        writer.writerow(["" if values.get(h) is None else values.get(h) for h in HEADERS])
    return buffer.getvalue().encode(encoding)


def xlsx_file(*rows: dict[str, Any], header: tuple[str, ...] = HEADERS) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(list(header))
    for values in rows:
        sheet.append([values.get(h) for h in header])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def school(harness: ServiceHarness, org_id: str = SCHOOL) -> dict[str, str]:
    return harness.headers(Role.INSTITUTION_ADMIN, org_id=org_id)


def client(harness: ServiceHarness) -> httpx.AsyncClient:
    assert harness.client is not None
    return harness.client


async def upload(
    harness: ServiceHarness,
    content: bytes,
    org_id: str = SCHOOL,
    filename: str = "students.csv",
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    return await client(harness).post(
        f"{ROSTER}/import",
        files={"file": (filename, content, "application/octet-stream")},
        headers=headers or school(harness, org_id),
    )


async def listed(harness: ServiceHarness, org_id: str = SCHOOL, **params: Any) -> list[Any]:
    response = await client(harness).get(ROSTER, params=params, headers=school(harness, org_id))
    assert response.status_code == 200, response.text
    items: list[Any] = response.json()["items"]
    return items


async def stored(harness: ServiceHarness) -> list[RosterStudent]:
    async with harness.ctx.sessionmaker() as session:
        return list((await session.execute(select(RosterStudent))).scalars())


async def stored_count(harness: ServiceHarness) -> int:
    async with harness.ctx.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(RosterStudent)) or 0)


RED = (215, 20, 25)


def photo(
    size: tuple[int, int] = (295, 413),
    background: tuple[int, int, int] = RED,
    image_format: str = "JPEG",
    seed: int = 1,
) -> bytes:
    """A 小一寸-like photo made with Pillow: a plain background and a "person" of noise from
    a fifth of the height down to the bottom edge, clear of the border band."""
    width, height = size
    image = Image.new("RGB", size, background)
    rnd = random.Random(seed)
    person_w, person_h = width // 2, height - height // 5
    person = Image.frombytes("RGB", (person_w, person_h), rnd.randbytes(person_w * person_h * 3))
    image.paste(person, ((width - person_w) // 2, height // 5))
    buffer = io.BytesIO()
    image.save(buffer, image_format, **({"quality": 90} if image_format == "JPEG" else {}))
    return buffer.getvalue()


def zip_of(files: dict[str, bytes] | list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    items = files.items() if isinstance(files, dict) else files
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in items:
            archive.writestr(name, data)
    return buffer.getvalue()


async def upload_photos(
    harness: ServiceHarness,
    content: bytes,
    org_id: str = SCHOOL,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    return await client(harness).post(
        f"{ROSTER}/photos",
        files={"file": ("photos.zip", content, "application/zip")},
        headers=headers if headers is not None else school(harness, org_id),
    )


def masked(id_number: str) -> str:
    return id_number[:6] + "********" + id_number[-4:]
