"""Helpers of the 报考 tests: a plan, a roster, a quota, entry files and their upload."""

from __future__ import annotations

import csv
import io
from collections.abc import Collection
from typing import Any
from uuid import UUID

import httpx
from sqlalchemy import func, select

from registration.entries.models import ExamEntry
from registration.entries.rules import EntryMode, headers
from skillcert.auth import Role
from skillcert.events import ExamPlanPublished
from skillcert.testing import ServiceHarness
from tests.conftest import API, plan_event
from tests.quotas.support import pilot_approved
from tests.roster.support import (
    SCHOOL,
    client,
    csv_file,
    photo,
    row,
    school,
    student_id,
    upload_photos,
    zip_of,
)
from tests.roster.support import upload as upload_roster

ENTRIES = f"{API}/exam-entries"


def line(n: int, subject: str | None = None, **overrides: Any) -> dict[str, Any]:
    """One line of an entry file for roster student `n` (tests.roster.support.row)."""
    student = row(n)
    values: dict[str, Any] = {"姓名": student["姓名"], "证件号码": student["证件号码"]}
    if subject is not None:
        values["科目代码"] = subject
    values.update(overrides)
    return values


def entry_file(mode: EntryMode, *lines: dict[str, Any]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers(mode))
    for values in lines:
        writer.writerow([values.get(h, "") for h in headers(mode)])
    return buffer.getvalue().encode("utf-8-sig")


async def setup(
    harness: ServiceHarness,
    students: int = 3,
    headcount: int = 20,
    org_id: str = SCHOOL,
    without_photo: Collection[int] = (),
    **plan: Any,
) -> ExamPlanPublished:
    """An open plan (subjects T and P), `students` on `org_id`'s roster, each with a checked
    photo imported as the institution does (but those `without_photo`), and the quota."""
    event = plan_event(**plan)
    await harness.deliver(event)
    if students:
        numbers = range(1, students + 1)
        response = await upload_roster(harness, csv_file(*(row(n) for n in numbers)), org_id=org_id)
        assert response.status_code == 200, response.text
        image = photo()
        photos = {f"{student_id(n)}.jpg": image for n in numbers if n not in without_photo}
        if photos:
            imported = await upload_photos(harness, zip_of(photos), org_id=org_id)
            assert imported.status_code == 200, imported.text
    await harness.deliver(pilot_approved(headcount, institution_code=org_id))
    return event


async def send(
    harness: ServiceHarness,
    plan_id: UUID,
    content: bytes,
    mode: EntryMode = EntryMode.CERTIFICATE,
    *,
    delete: bool = False,
    headers: dict[str, str] | None = None,
    org_id: str = SCHOOL,
) -> httpx.Response:
    return await client(harness).post(
        f"{ENTRIES}/deletions" if delete else f"{ENTRIES}/import",
        data={"plan_id": str(plan_id), "mode": mode.value},
        files={"file": ("entries.csv", content, "text/csv")},
        headers=headers or school(harness, org_id),
    )


async def listed(harness: ServiceHarness, plan_id: UUID, org_id: str = SCHOOL) -> list[Any]:
    response = await client(harness).get(
        ENTRIES, params={"plan_id": str(plan_id)}, headers=school(harness, org_id)
    )
    assert response.status_code == 200, response.text
    items: list[Any] = response.json()["items"]
    return items


async def stored(harness: ServiceHarness) -> list[ExamEntry]:
    async with harness.ctx.sessionmaker() as session:
        return list((await session.execute(select(ExamEntry))).scalars())


async def entry_count(harness: ServiceHarness) -> int:
    async with harness.ctx.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(ExamEntry)) or 0)


def head(harness: ServiceHarness, org_id: str = SCHOOL) -> dict[str, str]:
    return harness.headers(Role.INSTITUTION_HEAD, org_id=org_id)
