"""A candidate's sign-in by SMS code and password reset in the browser, the codes read from the
dev SMS outbox as the journey does. The candidates sign up through the API first; the gateway
then holds any further code for a phone for its resend cool-down (60 s), so all of them sign up
at once and the tests wait out the cool-down only once."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from uuid import UUID

import httpx
import pytest
from browser import DESKTOP, PHONE, Platform, Screens, assert_no_csp_violations, new_page
from playwright.sync_api import Browser, Locator, Page, expect
from test_journey import sms_code, staff_headers

from skillcert.auth import Principal, Role, SigningKey, TokenIssuer

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


STORAGE_KEY = "skillcert.auth"


def stored_session(page: Page) -> dict[str, Any]:
    raw = page.evaluate(f"() => localStorage.getItem('{STORAGE_KEY}')")
    assert raw, "no session in localStorage"
    session: dict[str, Any] = json.loads(raw)
    return session


def store_session(page: Page, session: dict[str, Any]) -> None:
    page.evaluate(
        "([key, value]) => localStorage.setItem(key, value)", [STORAGE_KEY, json.dumps(session)]
    )


def expired_access_token(platform: Platform, account_id: str) -> str:
    """An access token the platform's own key signed, expired an hour ago: what the browser
    holds after its tab slept past the token's lifetime."""
    pem = (platform.data_dir / "jwt-signing-key.pem").read_bytes()
    issuer = TokenIssuer(
        SigningKey.from_pem(pem, kid="embedded"),
        "skillcert-gateway",
        "skillcert",
        ttl=timedelta(hours=-1),
    )
    return issuer.issue(Principal(account_id=UUID(account_id), role=Role.CANDIDATE, name="李小红"))


def renewed_from(page: Page, before: dict[str, Any]) -> None:
    """Wait until the app has stored an access token other than `before`'s."""
    page.wait_for_function(
        """([key, old]) => {
             const raw = localStorage.getItem(key);
             return raw !== null && JSON.parse(raw).token !== old;
           }""",
        arg=[STORAGE_KEY, before["token"]],
    )


REFRESH_COOKIE = "skillcert_refresh"


def refresh_cookie(page: Page) -> dict[str, Any]:
    """The refresh cookie as the browser holds it (Playwright reads HttpOnly ones)."""
    found = [dict(c) for c in page.context.cookies() if c["name"] == REFRESH_COOKIE]
    assert len(found) == 1, found
    return found[0]


def scripts_can_see(page: Page, secret: str) -> bool:
    """Whether any storage a script reads holds `secret`."""
    return bool(
        page.evaluate(
            """(secret) => [document.cookie, JSON.stringify(localStorage),
                            JSON.stringify(sessionStorage)].some((s) => s.includes(secret))""",
            secret,
        )
    )


class TestSessionRenewal:
    def test_a_session_survives_access_token_expiry_via_refresh(
        self, browser: Browser, platform: Platform, candidates: Candidates
    ):
        page = new_page(browser, platform, DESKTOP)
        api_calls: list[tuple[str, int]] = []
        page.on(
            "response",
            lambda r: (
                api_calls.append((r.url.split("/api/v1/")[-1], r.status))
                if "/api/v1/" in r.url
                else None
            ),
        )
        page.goto("/login")
        page.locator("[data-test=login]").fill(candidates.phones["wrong"])
        page.locator("[data-test=password]").fill(PASSWORD)
        page.locator("[data-test=submit]").click()
        expect(page).to_have_url(re.compile(r"/candidate/applications$"))
        first = stored_session(page)
        # The refresh token is the gateway's HttpOnly cookie, scoped to the session calls; no
        # script can read it, nor finds it in any storage.
        cookie = refresh_cookie(page)
        assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
        assert cookie["path"] == "/api/v1/gateway/sessions"
        assert "refreshToken" not in first
        assert not scripts_can_see(page, cookie["value"])
        expired = expired_access_token(platform, first["accountId"])

        # After a reload the gateway refuses the expired token; the app refreshes with the
        # cookie and retries, unseen.
        store_session(page, {**first, "token": expired})
        api_calls.clear()
        page.reload()
        renewed_from(page, {"token": expired})
        page.wait_for_load_state("networkidle")
        expect(page).to_have_url(re.compile(r"/candidate/applications$"))
        second = stored_session(page)
        assert second["token"] != expired, api_calls
        assert refresh_cookie(page)["value"] != cookie["value"]  # rotated
        refused = [n for n, (path, status) in enumerate(api_calls) if status == 401]
        assert refused, api_calls
        assert ("gateway/sessions/refresh", 200) in api_calls[refused[0] :], api_calls
        assert api_calls[-1][1] == 200, api_calls

        # A token the app knows is about to expire is renewed before any call is refused.
        second_cookie = refresh_cookie(page)["value"]
        store_session(page, {**second, "expiresAt": 0})
        api_calls.clear()
        page.reload()
        renewed_from(page, second)
        page.wait_for_load_state("networkidle")
        expect(page).to_have_url(re.compile(r"/candidate/applications$"))
        assert all(status != 401 for _, status in api_calls), api_calls
        third_cookie = refresh_cookie(page)["value"]
        assert third_cookie != second_cookie
        assert not scripts_can_see(page, third_cookie)

        # The first refresh token used again (a stolen copy) ends the session everywhere:
        # the next renewal fails and the app signs out to the login page.
        with platform.client() as http:
            reuse = http.post(
                "/api/v1/gateway/sessions/refresh",
                json={},
                headers={
                    "Cookie": f"{REFRESH_COOKIE}={cookie['value']}",
                    "Origin": platform.base_url,
                },
            )
        assert reuse.status_code == 401
        store_session(page, {**stored_session(page), "token": expired})
        page.reload()
        expect(page).to_have_url(re.compile(r"/login"))
        assert_no_csp_violations(page, "session renewal")

    def test_a_page_of_another_origin_cannot_refresh_with_the_cookie(
        self, platform: Platform, candidates: Candidates
    ):
        """CSRF: the browser would not send a SameSite=Strict cookie from another site; were
        it sent anyway, the gateway refuses a cookie refresh whose Origin is not its own."""
        with platform.client() as http:
            signed_in = http.post(
                "/api/v1/gateway/sessions",
                json={"login": candidates.phones["wrong"], "password": PASSWORD},
                headers={"X-Refresh-Cookie": "1"},
            )
            assert signed_in.status_code == 200 and signed_in.json()["refresh_token"] is None
            value = signed_in.cookies[REFRESH_COOKIE]
            forged = http.post(
                "/api/v1/gateway/sessions/refresh",
                json={},
                headers={
                    "Cookie": f"{REFRESH_COOKIE}={value}",
                    "Origin": "https://evil.example",
                },
            )
        assert forged.status_code == 403


class TestSecurityHeaders:
    def test_the_app_runs_under_its_content_security_policy(
        self, browser: Browser, platform: Platform, screens: Screens
    ):
        page = new_page(browser, platform, DESKTOP)
        response = page.goto("/login")
        assert response is not None
        headers = response.headers
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
        # Element Plus's popups (the language menu) and the forms render without violations.
        page.get_by_role("tab", name="短信验证码登录").click()
        screens.check(page, "auth-login-under-csp")
        # An inline script, as an injected one would be, is refused and reported.
        page.evaluate(
            """() => { const s = document.createElement('script');
                       s.textContent = 'window.__injected = true';
                       document.body.appendChild(s); }"""
        )
        assert page.evaluate("() => window.__injected === true") is False
        blocked = page.evaluate("() => window.__cspViolations.map(v => v.directive)")
        assert any(d.startswith("script-src") for d in blocked), blocked
