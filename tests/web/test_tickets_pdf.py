"""The PDFs people print, downloaded in the browser: the candidate's admission ticket (准考证)
and the institution's tickets and room printouts (考务打印). The candidate's steps before the
ticket run over the API (the journey's own steps)."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import httpx
import pytest
from browser import Platform, Screens, new_page
from journey import Journey, resident_id
from playwright.sync_api import Browser, Locator, Page, expect
from staff import in_thread, sign_in, stamp_png, upload_stamp

from skillcert.pdf_testing import pdf_fonts, pdf_text, read_qr_codes, render_page
from skillcert_devtools.run import SIMULATOR_PATH


async def candidate_with_a_ticket(platform: Platform) -> Journey:
    async with httpx.AsyncClient(base_url=platform.base_url, timeout=30) as client:
        journey = Journey(
            client,
            platform.staff_password,
            platform.base_url + SIMULATOR_PATH,
            id_number=resident_id("19850612", 9),
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
    return in_thread(candidate_with_a_ticket(platform))


def saved(page: Page, button: Locator, tmp_path: Path, name: str) -> bytes:
    with page.expect_download() as download:
        button.first.click()
    path = tmp_path / name
    download.value.save_as(path)
    return path.read_bytes()


def test_candidate_downloads_the_ticket_pdf(
    browser: Browser, platform: Platform, screens: Screens, journey: Journey, tmp_path: Path
):
    page = new_page(browser, platform, {"width": 375, "height": 812})
    page.goto("/login")
    page.locator("[data-test=login]").fill(journey.phone)
    page.locator("[data-test=password]").fill("Candidate2026")
    page.locator("[data-test=submit]").click()
    expect(page).to_have_url(re.compile(r"/candidate/"))
    page.goto("/candidate/tickets")
    ticket = journey.state["ticket_number"]
    expect(page.locator("[data-test=ticket]")).to_contain_text(ticket)
    screens.check(page, "tickets-pdf-candidate-375")

    pdf = saved(page, page.locator("[data-test=download-ticket-pdf]"), tmp_path, "ticket.pdf")
    assert pdf.startswith(b"%PDF-") and len(pdf) > 10_000
    assert all(f.embedded and f.subset for f in pdf_fonts(pdf))
    text = pdf_text(pdf).replace(" ", "")
    assert ticket in text and "王小明" in text and "第一考场" in text and "考场规则" in text
    # The QR code carries the signed ticket; the published key set is there to check it.
    [token] = read_qr_codes(render_page(pdf, dpi=200))
    assert token.count(".") == 2
    keys = platform.client().get("/api/v1/exam-scheduling/ticket-keys")
    assert keys.status_code == 200 and keys.json()["keys"]


def test_institution_downloads_a_rooms_tickets_and_the_sites_printouts(
    browser: Browser, platform: Platform, screens: Screens, journey: Journey, tmp_path: Path
):
    plan = platform.client().get(
        f"/api/v1/exam-scheduling/plans/{journey.state['plan_id']}",
        headers=journey.headers["org_admin"],
    )
    assert plan.status_code == 200, plan.text
    site_id = plan.json()["sites"][0]["site_id"]

    page = sign_in(browser, platform, "inst.admin")
    page.goto("/institution/printouts")
    site = page.locator(f"[data-test=printout-site][data-site='{site_id}']")
    expect(site).to_contain_text("第一考场")
    screens.check(page, "tickets-pdf-institution-printouts")

    room = site.locator("[data-test=printout-rooms] tr", has_text="第一考场")
    tickets = saved(page, room.locator("[data-test=room-tickets]"), tmp_path, "room-tickets.pdf")
    assert tickets.startswith(b"%PDF-")
    assert journey.state["ticket_number"] in pdf_text(tickets)

    sheet = saved(page, room.locator("[data-test=room-sign-in-sheet]"), tmp_path, "sign-in.pdf")
    assert "考场签到表" in pdf_text(sheet).replace(" ", "")

    archive = zipfile.ZipFile(
        io.BytesIO(saved(page, site.locator("[data-test=site-printouts]"), tmp_path, "p.zip"))
    )
    assert "01-第一考场-签到表.pdf" in archive.namelist()
    site_tickets = saved(
        page, site.locator("[data-test=site-tickets]"), tmp_path, "site-tickets.pdf"
    )
    assert journey.state["ticket_number"] in pdf_text(site_tickets)


def test_organisation_uploads_its_seal_for_the_certificates(
    browser: Browser, platform: Platform, screens: Screens
):
    page = sign_in(browser, platform, "org.admin")
    page.goto("/org/stamp")
    expect(page.locator(".page")).to_contain_text("培训评价组织的签章")
    upload_stamp(page, stamp_png(), "seal.png")
    screens.check(page, "tickets-pdf-org-stamp")
