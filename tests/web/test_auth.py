"""A candidate's sign-in by SMS code and password reset in the browser, the codes read from the
dev SMS outbox as the journey does. The candidates sign up through the API first; the gateway
then holds any further code for a phone for its resend cool-down (60 s), so all of them sign up
at once and the tests wait out the cool-down only once."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from browser import PHONE, Platform, Screens, new_page
from playwright.sync_api import Browser, Locator, Page, expect
from test_journey import sms_code, staff_headers

PASSWORD = "Candidate2026"
NEW_PASSWORD = "Renewed2027x"
#: the gateway's resend cool-down per phone (GatewaySettings.sms_resend_after_s), and a margin
RESEND_AFTER_S = 60 + 2


@dataclass
class Candidates:
    client: httpx.Client
    ops: dict[str, str]
    phones: dict[str, str]
    signed_up_at: float

    def phone(self, which: str) -> str:
        """The candidate's phone, once it may be sent a new code."""
        time.sleep(max(0.0, self.signed_up_at + RESEND_AFTER_S - time.monotonic()))
        return self.phones[which]


@pytest.fixture(scope="module")
def candidates(platform: Platform) -> Iterator[Candidates]:
    client = platform.client()
    ops = staff_headers(client, "ops", platform.staff_password)
    base = int(time.time() * 1000) % 10_000_000
    phones = {which: f"138{base:07d}{n}" for n, which in enumerate(["sms", "reset", "wrong"])}
    for phone in phones.values():
        body = {"phone": phone, "purpose": "register"}
        sent = client.post("/api/v1/gateway/sms-codes", json=body)
        assert sent.is_success, sent.text
    for phone in phones.values():
        body = {
            "phone": phone,
            "code": sms_code(client, phone, ops),
            "password": PASSWORD,
            "name": "李小红",
        }
        created = client.post("/api/v1/gateway/accounts", json=body)
        assert created.is_success, created.text
    yield Candidates(client, ops, phones, time.monotonic())
    client.close()


def newest_code(candidates: Candidates, phone: str, old: str) -> str:
    """The code sent after `old` (the outbox lists the newest first)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        code = sms_code(candidates.client, phone, candidates.ops)
        if code != old:
            return code
        time.sleep(0.5)
    raise AssertionError("no new SMS code in the dev outbox")


def sms_login_screen(page: Page, phone: str) -> None:
    page.goto("/login")
    page.get_by_role("tab", name="短信验证码登录").click()
    page.locator("[data-test=login]").fill(phone)
    page.locator("[data-test=send-code]").click()
    expect(page.locator("[data-test=send-code]")).to_contain_text("秒")


def code_error(page: Page) -> Locator:
    field = page.locator(".el-form-item", has=page.locator("[data-test=code]"))
    return field.locator(".el-form-item__error")


class TestSmsLogin:
    def test_a_candidate_signs_in_with_an_sms_code(
        self, browser: Browser, platform: Platform, screens: Screens, candidates: Candidates
    ):
        phone = candidates.phone("sms")
        signup_code = sms_code(candidates.client, phone, candidates.ops)
        page = new_page(browser, platform, PHONE)
        sms_login_screen(page, phone)
        code = newest_code(candidates, phone, signup_code)
        page.locator("[data-test=code]").fill(code)
        screens.check(page, "auth-sms-login-filled")
        page.locator("[data-test=submit]").click()
        expect(page).to_have_url(re.compile(r"/candidate/applications$"))
        screens.check(page, "auth-sms-login-signed-in")

    def test_a_wrong_sms_code_is_shown_at_its_field(
        self, browser: Browser, platform: Platform, screens: Screens, candidates: Candidates
    ):
        phone = candidates.phone("wrong")
        signup_code = sms_code(candidates.client, phone, candidates.ops)
        page = new_page(browser, platform, PHONE)
        sms_login_screen(page, phone)
        code = newest_code(candidates, phone, signup_code)
        wrong = f"{(int(code) + 1) % 1_000_000:06d}"
        page.locator("[data-test=code]").fill(wrong)
        page.locator("[data-test=submit]").click()
        expect(code_error(page)).to_have_text("验证码错误，还可尝试 4 次")
        expect(page).to_have_url(re.compile(r"/login$"))
        # Nothing typed is lost.
        expect(page.locator("[data-test=login]")).to_have_value(phone)
        expect(page.locator("[data-test=code]")).to_have_value(wrong)
        screens.check(page, "auth-sms-login-wrong-code")


class TestPasswordReset:
    def test_a_candidate_resets_the_password_and_only_the_new_one_signs_in(
        self, browser: Browser, platform: Platform, screens: Screens, candidates: Candidates
    ):
        phone = candidates.phone("reset")
        signup_code = sms_code(candidates.client, phone, candidates.ops)
        page = new_page(browser, platform, PHONE)
        page.goto("/login")
        page.get_by_role("link", name=re.compile("忘记密码")).click()
        expect(page).to_have_url(re.compile(r"/password-reset$"))
        page.locator("[data-test=phone]").fill(phone)
        page.locator("[data-test=send-code]").click()
        page.locator("[data-test=code]").fill(newest_code(candidates, phone, signup_code))
        page.locator("[data-test=password]").fill(NEW_PASSWORD)
        screens.check(page, "auth-reset-filled")
        page.locator("[data-test=submit]").click()
        expect(page).to_have_url(re.compile(r"/login$"))
        screens.check(page, "auth-reset-done")

        page.locator("[data-test=login]").fill(phone)
        page.locator("[data-test=password]").fill(PASSWORD)
        page.locator("[data-test=submit]").click()
        expect(page.locator("[data-test=problem]")).to_contain_text("账号或密码错误")
        expect(page).to_have_url(re.compile(r"/login$"))
        screens.check(page, "auth-reset-old-password-refused")

        page.locator("[data-test=password]").fill(NEW_PASSWORD)
        page.locator("[data-test=submit]").click()
        expect(page).to_have_url(re.compile(r"/candidate/applications$"))
        # The reset's toast fades out over this page: axe would judge its contrast mid-fade.
        expect(page.locator(".el-message")).to_have_count(0)
        screens.check(page, "auth-reset-new-password-signed-in")
