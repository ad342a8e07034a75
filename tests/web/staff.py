"""Helpers of the staff consoles' browser tests: signing in through the login page, the
confirmation dialog, and the files staff upload (score sheets, rosters, stamps)."""

from __future__ import annotations

import asyncio
import io
import re
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import openpyxl
from browser import Platform, new_page
from PIL import Image, ImageDraw
from playwright.sync_api import Browser, Page, expect

T = TypeVar("T")

#: where each demo staff account lands after signing in (HOME_OF, then the area's first page)
LANDING = {
    "org.admin": "/org/plans",
    "inst.admin": "/institution/roster",
    "inst.head": "/head/certificates",
    "province.admin": "/province/directory",
    "ops": "/ops/dead-letters",
    "inv.demo": "/duty/check-in",
    "insp.demo": "/duty/overview",
}


def sign_in(
    browser: Browser, platform: Platform, username: str, viewport: dict[str, int] | None = None
) -> Page:
    page = new_page(browser, platform, viewport or {"width": 1280, "height": 800})
    page.goto("/login")
    page.locator("[data-test=login]").fill(username)
    page.locator("[data-test=password]").fill(platform.staff_password)
    page.locator("[data-test=submit]").click()
    expect(page).to_have_url(re.compile(re.escape(LANDING[username]) + r"(\?.*)?$"), timeout=20_000)
    return page


def confirm_dialog(page: Page) -> None:
    """Accepts the confirmation asked before an irreversible act."""
    box = page.locator(".el-message-box")
    expect(box).to_be_visible()
    box.locator(".el-message-box__btns .el-button--primary").click()
    expect(box).to_be_hidden()


def in_thread(coroutine: Coroutine[Any, Any, T]) -> T:
    """Runs API-side steps (the journey's async client) beside Playwright's own loop."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def score_sheet(rows: list[tuple[object, object]]) -> bytes:
    """An Excel score sheet (准考证号, 成绩), the ticket number kept as text."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["准考证号", "成绩"])
    for ticket, score in rows:
        sheet.append([ticket, score])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def stamp_png() -> bytes:
    """A red round seal on a transparent background, 95×95 px as seed 003 asks for."""
    image = Image.new("RGBA", (95, 95), (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse((4, 4, 90, 90), outline=(200, 20, 20, 255), width=5)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def accept_stamp_agreement(page: Page) -> None:
    """On the stamp page: accept the 授权委托书 unless this head already has (the platform is
    shared by the tests of a run)."""
    agreement = page.locator("[data-test=agreement]")
    expect(agreement).to_be_visible()
    if page.locator("[data-test=agreement-accepted]").count() == 0:
        page.locator("[data-test=agreement-check]").click()
        page.locator("[data-test=agreement-accept]").click()
    expect(page.locator("[data-test=agreement-accepted]")).to_be_visible()


def upload_stamp(page: Page, data: bytes, name: str = "stamp.png") -> None:
    """Choose, upload and preview the stamp, then confirm it (the stamp page, either party)."""
    page.locator("[data-test=stamp-file]").set_input_files(file_payload(name, "image/png", data))
    page.locator("[data-test=stamp-upload]").click()
    expect(page.locator("[data-test=stamp-sample-link]")).to_be_visible()
    page.locator("[data-test=stamp-confirm]").click()
    expect(page.locator("[data-test=stamp-done]")).to_be_visible()


def file_payload(name: str, mime: str, data: bytes) -> dict[str, Any]:
    return {"name": name, "mimeType": mime, "buffer": data}


def choose(page: Page, test_id: str, option: str) -> None:
    """Pick `option` in the Element Plus select marked `test_id` once it is enabled."""
    select = page.locator(f"[data-test={test_id}]")
    expect(select.locator(".el-select__wrapper")).not_to_have_class(re.compile(r"is-disabled"))
    select.click()
    page.locator(".el-select-dropdown__item:visible", has_text=option).first.click()
