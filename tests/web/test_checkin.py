"""Invigilators, inspectors and check-in in the browser: the institution makes an invigilator
account and puts it in a room; the invigilator downloads the roster, goes offline, verifies a
real ticket's QR code (signed by the server, checked with WebCrypto), checks the candidate in,
comes back online and sees the mark synced; the organisation makes an inspector who sees the
room's count. The candidate's steps before the ticket run over the API."""

from __future__ import annotations

import random
import re
import time
from typing import Any

import httpx
import pytest
from browser import Platform, Screens, new_page
from journey import Journey, resident_id
from playwright.sync_api import Browser, Locator, Page, expect
from staff import in_thread, sign_in

from skillcert.pdf_testing import read_qr_codes, render_page
from skillcert_devtools.run import SIMULATOR_PATH

API = "/api/v1/exam-scheduling"


async def candidate_with_a_ticket(platform: Platform) -> Journey:
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
    return in_thread(candidate_with_a_ticket(platform))


@pytest.fixture(scope="module")
def site_id(platform: Platform, journey: Journey) -> str:
    plan = platform.client().get(
        f"{API}/plans/{journey.state['plan_id']}", headers=journey.headers["org_admin"]
    )
    assert plan.status_code == 200, plan.text
    return str(plan.json()["sites"][0]["site_id"])


#: what the tests of this module pass on: the duty accounts' login names and passwords
made: dict[str, Any] = {}


def phone() -> str:
    return f"137{random.randint(10_000_000, 99_999_999)}"


def first_password(platform: Platform, journey: Journey, number: str) -> str:
    """The first password, from the SMS in the development outbox (ops only)."""
    for _ in range(100):
        response = platform.client().get(
            "/api/v1/notification/dev/sms",
            params={"phone": number},
            headers=journey.headers["ops"],
        )
        bodies = [m["body"] for m in response.json() if m["template_code"] == "account_credentials"]
        if bodies:
            return str(bodies[-1].split("初始密码：")[1].split("，")[0])
        time.sleep(0.2)
    raise AssertionError(f"no credentials SMS to {number}")


def create_account(page: Page, prefix: str, username: str, name: str, number: str) -> None:
    page.locator(f"[data-test={prefix}-username]").fill(username)
    page.locator(f"[data-test={prefix}-name]").fill(name)
    page.locator(f"[data-test={prefix}-phone]").fill(number)
    page.locator(f"[data-test={prefix}-save]").click()
    expect(page.locator(f"[data-test={prefix}-created]")).to_contain_text(username)


def pick(page: Page, select: Locator, option: str) -> None:
    select.click()
    page.locator(".el-select-dropdown__item:visible", has_text=option).first.click()


def duty_sign_in(browser: Browser, platform: Platform, username: str, landing: str) -> Page:
    page = new_page(browser, platform, {"width": 375, "height": 812})
    page.goto("/login")
    page.locator("[data-test=login]").fill(username)
    page.locator("[data-test=password]").fill(made[username])
    page.locator("[data-test=submit]").click()
    expect(page).to_have_url(re.compile(re.escape(landing)), timeout=20_000)
    return page


def test_the_institution_makes_an_invigilator_and_puts_them_in_the_room(
    browser: Browser, platform: Platform, screens: Screens, journey: Journey, site_id: str
):
    page = sign_in(browser, platform, "inst.admin")
    page.goto("/institution/invigilators")
    site = page.locator(f"[data-test=duty-site][data-site='{site_id}']")
    expect(site.locator("[data-test=duty-rooms]")).to_contain_text("第一考场")

    username = f"inv{random.randint(10_000, 99_999)}"
    number = phone()
    create_account(page, "invigilator", username, "王监考", number)
    made[username] = first_password(platform, journey, number)
    made["invigilator"] = username

    row = site.locator("[data-test=duty-rooms] tr", has_text="第一考场")
    pick(page, row.locator("[data-test=invigilator-account]"), "王监考")
    row.locator("[data-test=assign-invigilator]").click()
    expect(row.locator("[data-test=assigned-invigilator]")).to_contain_text("王监考")
    screens.check(page, "checkin-institution-invigilators")


def test_the_invigilator_checks_a_candidate_in_offline_and_it_syncs_when_back_online(
    browser: Browser, platform: Platform, screens: Screens, journey: Journey
):
    ticket = journey.state["ticket_number"]
    pdf = platform.client().get(f"{API}/tickets/{ticket}.pdf", headers=journey.headers["candidate"])
    assert pdf.status_code == 200, pdf.text
    [token] = read_qr_codes(render_page(pdf.content, dpi=200))

    username = made["invigilator"]
    page = duty_sign_in(browser, platform, username, "/duty/check-in")
    expect(page.locator("[data-test=no-roster]")).to_be_visible()
    page.locator("[data-test=download-roster]").click()
    expect(page.locator("[data-test=candidates]")).to_contain_text(ticket)
    expect(page.locator("[data-test=pending-count]")).to_have_text("0")

    page.context.set_offline(True)
    expect(page.locator("[data-test=network]")).to_have_text("离线")
    # a forged ticket is refused offline
    head, claims, signature = token.split(".")
    page.locator("[data-test=qr-input]").fill(f"{head}.{claims}.{signature[::-1]}")
    page.locator("[data-test=verify]").click()
    expect(page.locator(".el-form-item__error")).to_contain_text("签名无效")

    page.locator("[data-test=qr-input]").fill(token)
    page.locator("[data-test=verify]").click()
    expect(page.locator("[data-test=verified]")).to_contain_text("核验通过")
    expect(page.locator("[data-test=verified]")).to_contain_text(ticket)
    page.locator("[data-test=confirm-check-in]").click()
    expect(page.locator("[data-test=pending-count]")).to_have_text("1")
    row = page.locator("[data-test=candidates] tr", has_text=ticket)
    expect(row.locator("[data-test=status]")).to_have_text("已签到")
    screens.check(page, "checkin-offline-375")

    page.context.set_offline(False)
    expect(page.locator("[data-test=network]")).to_have_text("在线")
    expect(page.locator("[data-test=pending-count]")).to_have_text("0", timeout=15_000)

    # the server has it, as the invigilator's own token reads it
    signed_in = platform.client().post(
        "/api/v1/gateway/sessions", json={"login": username, "password": made[username]}
    )
    assert signed_in.status_code == 200, signed_in.text
    me = {"Authorization": f"Bearer {signed_in.json()['access_token']}"}
    [duty] = platform.client().get(f"{API}/duties/mine", headers=me).json()
    roster = platform.client().get(
        f"{API}/rooms/{duty['room_id']}/sessions/{duty['session']['session_id']}/roster",
        headers=me,
    )
    [candidate] = [c for c in roster.json()["candidates"] if c["ticket_number"] == ticket]
    assert candidate["status"] == "present"
    made["duty"] = duty


def test_the_organisation_makes_an_inspector_who_sees_the_rooms_count(
    browser: Browser, platform: Platform, screens: Screens, journey: Journey, site_id: str
):
    page = sign_in(browser, platform, "org.admin")
    page.goto("/org/inspectors")
    site = page.locator(f"[data-test=inspect-site][data-site='{site_id}']")
    expect(site).to_be_visible()
    username = f"insp{random.randint(10_000, 99_999)}"
    number = phone()
    create_account(page, "inspector", username, "赵巡考", number)
    made[username] = first_password(platform, journey, number)

    pick(page, site.locator("[data-test=inspector-account]"), "赵巡考")
    site.locator("[data-test=assign-inspector]").click()
    expect(site.locator("[data-test=inspectors]")).to_contain_text("赵巡考")
    expect(site.locator("[data-test=inspectors]")).to_contain_text("整个考点")
    screens.check(page, "checkin-org-inspectors")

    inspector = duty_sign_in(browser, platform, username, "/duty/overview")
    row = inspector.locator("[data-test=overview] tr", has_text="第一考场")
    expect(row).to_be_visible()
    expect(row.locator("[data-test=present]")).to_have_text("1")
    screens.check(inspector, "checkin-inspector-overview-375")


def test_the_demo_invigilator_finds_the_demo_room_assigned(
    browser: Browser, platform: Platform, screens: Screens
):
    page = sign_in(browser, platform, "inv.demo")
    expect(page.locator("[data-test=duty]")).to_contain_text("第一考场")
    inspector = sign_in(browser, platform, "insp.demo")
    expect(inspector.locator("[data-test=overview]")).to_contain_text("第二考场")
