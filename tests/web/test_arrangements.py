"""考务编排 in the browser: the institution's and the organisation's 考点编排, 考场编排 and
排考明细 with counts, ID numbers masked on the screen and in the Excel export. The candidate's
steps up to the seat run over the API (the journey's own steps)."""

from __future__ import annotations

import io
from pathlib import Path

import httpx
import openpyxl
import pytest
from browser import Platform, Screens
from journey import Journey, resident_id
from playwright.sync_api import Browser, Page, expect
from staff import in_thread, sign_in

from skillcert_devtools.run import SIMULATOR_PATH


async def seated_candidate(platform: Platform) -> Journey:
    async with httpx.AsyncClient(base_url=platform.base_url, timeout=30) as client:
        journey = Journey(
            client,
            platform.staff_password,
            platform.base_url + SIMULATOR_PATH,
            id_number=resident_id("19850612", 7),
        )
        await journey.staff()
        await journey.organisation_opens_a_plan()
        await journey.candidate_registers()
        await journey.institution_lists_the_candidate()
        await journey.candidate_applies()
        await journey.reviewer_approves()
        await journey.candidate_pays()
        await journey.exam_is_scheduled()
    return journey


@pytest.fixture(scope="module")
def journey(platform: Platform) -> Journey:
    return in_thread(seated_candidate(platform))


def masked(id_number: str) -> str:
    return id_number[:6] + "*" * 8 + id_number[-4:]


def choose_plan(page: Page, journey: Journey) -> None:
    page.locator("[data-test=arrangement-plan]").click()
    page.locator(".el-select-dropdown__item:visible", has_text=journey.phone).first.click()


def test_the_institution_sees_its_arrangements_and_exports_the_details(
    browser: Browser, platform: Platform, screens: Screens, journey: Journey, tmp_path: Path
):
    page = sign_in(browser, platform, "inst.admin")
    page.goto("/institution/arrangements")
    choose_plan(page, journey)
    # The journey's plan has one fresh site; its candidate is the only one seated.
    expect(page.locator("[data-test=count-seated]")).to_have_text("1")
    expect(page.locator("[data-test=count-sites]")).to_have_text("1")
    expect(page.locator("[data-test=arrangement-sites]")).to_contain_text("旅程测试计划")
    screens.check(page, "institution-arrangements")

    page.get_by_role("tab", name="考场编排").click()
    expect(page.locator("[data-test=arrangement-rooms]")).to_contain_text("第一考场")

    page.get_by_role("tab", name="排考明细").click()
    details = page.locator("[data-test=arrangement-details]")
    expect(details).to_contain_text(journey.state["ticket_number"])
    expect(details).to_contain_text(masked(journey.id_number))
    expect(details).not_to_contain_text(journey.id_number)
    screens.check(page, "institution-arrangement-details")

    with page.expect_download() as download:
        page.locator("[data-test=arrangement-export]").click()
    path = tmp_path / "details.xlsx"
    download.value.save_as(path)
    sheet = openpyxl.load_workbook(io.BytesIO(path.read_bytes())).active
    assert sheet is not None
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][-1] == "证件号码"
    [line] = [r for r in rows[1:] if r[7] == journey.state["ticket_number"]]
    assert line[9] == masked(journey.id_number)
    assert all(journey.id_number not in str(v) for r in rows for v in r)


def test_the_organisation_sees_the_arrangements_of_its_plan(
    browser: Browser, platform: Platform, screens: Screens, journey: Journey
):
    page = sign_in(browser, platform, "org.admin")
    page.goto("/org/arrangements")
    choose_plan(page, journey)
    expect(page.locator("[data-test=count-seated]")).to_have_text("1")
    page.get_by_role("tab", name="排考明细").click()
    expect(page.locator("[data-test=arrangement-details]")).to_contain_text(
        masked(journey.id_number)
    )
    screens.check(page, "org-arrangements")
