"""试点院校注册账号 in the browser: province, city, an institution of the list, phone and code;
the head's login name is shown, and a second sign-up of the same institution is refused."""

import re
import time

from browser import Platform, Screens, new_page
from playwright.sync_api import Browser, Page, expect


def choose(page: Page, select: str, option: str) -> None:
    page.locator(f"[data-test={select}]").click()
    page.get_by_role("option", name=option, exact=True).click()


def sms_code(platform: Platform, phone: str) -> str:
    """The newest sign-up code of a phone, from the development SMS outbox (ops only)."""
    with platform.client() as client:
        token = client.post(
            "/api/v1/gateway/sessions", json={"login": "ops", "password": platform.staff_password}
        ).json()["access_token"]
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            messages = client.get(
                "/api/v1/notification/dev/sms",
                params={"phone": phone},
                headers={"Authorization": f"Bearer {token}"},
            ).json()
            codes = [m["body"] for m in messages if m["template_code"] == "sms_code"]
            if codes:
                return "".join(c for c in codes[-1] if c.isdigit())[:6]
            time.sleep(0.3)
    raise AssertionError(f"no SMS code for {phone}")


def fill_sign_up(page: Page, platform: Platform, phone: str, institution: str) -> None:
    page.goto("/institution/signup")
    choose(page, "province", "广西壮族自治区")
    choose(page, "city", "南宁市")
    choose(page, "institution", institution)
    page.locator("[data-test=phone]").fill(phone)
    page.locator("[data-test=send-code]").click()
    page.locator("[data-test=code]").fill(sms_code(platform, phone))


class TestInstitutionSignUp:
    def test_an_institution_of_the_list_signs_up_its_head(
        self, browser: Browser, platform: Platform, screens: Screens, viewport: dict[str, int]
    ):
        width = viewport["width"]
        page = new_page(browser, platform, viewport)
        page.goto("/institution/signup")
        screens.check(page, f"institution-signup-{width}")
        # One institution per viewport: each is signed up once.
        institution, phone = (
            ("广西职业技术学院", "13700000375") if width < 800 else ("广西大学", "13700001280")
        )
        fill_sign_up(page, platform, phone, institution)
        page.locator("[data-test=submit]").click()
        done = page.locator("[data-test=signed-up]")
        expect(done).to_contain_text(institution)
        expect(page.locator("[data-test=username]")).to_have_text(re.compile(r"^i\d{10}$"))
        screens.check(page, f"institution-signed-up-{width}")

    def test_a_second_sign_up_is_refused_and_the_form_kept(
        self, browser: Browser, platform: Platform
    ):
        page = new_page(browser, platform, {"width": 1280, "height": 800})
        fill_sign_up(page, platform, "13700002001", "南宁职业技术大学")
        page.locator("[data-test=submit]").click()
        expect(page.locator("[data-test=signed-up]")).to_be_visible()

        again = new_page(browser, platform, {"width": 1280, "height": 800})
        fill_sign_up(again, platform, "13700002002", "南宁职业技术大学")
        again.locator("[data-test=submit]").click()
        expect(again.locator("[data-test=problem]")).to_contain_text("该院校已注册")
        expect(again.locator("[data-test=phone]")).to_have_value("13700002002")
