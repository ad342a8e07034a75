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


def signed_up_head(platform: Platform, phone: str, code: str, name: str) -> tuple[str, str]:
    """An institution signed up through the API; its head's login name and SMS password."""
    with platform.client() as client:
        client.post("/api/v1/gateway/sms-codes", json={"phone": phone, "purpose": "register"})
        proof = client.post(
            "/api/v1/gateway/phone-proofs", json={"phone": phone, "code": sms_code(platform, phone)}
        ).json()["phone_proof"]
        body = {
            "province": "450000",
            "city": "450100",
            "institution_code": code,
            "institution_name": name,
            "phone_proof": proof,
        }
        username = client.post("/api/v1/institution/sign-ups", json=body).json()["username"]
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
            sent = [m["body"] for m in messages if m["template_code"] == "account_credentials"]
            if sent:
                return username, sent[-1].split("初始密码：")[1].split("，")[0]
            time.sleep(0.3)
    raise AssertionError("no credentials SMS")


class TestBaseInfo:
    def test_the_head_completes_the_base_info(
        self, browser: Browser, platform: Platform, screens: Screens
    ):
        username, password = signed_up_head(
            platform, "13700003001", "4145013521", "广西电力职业技术学院"
        )
        page = new_page(browser, platform, {"width": 1280, "height": 800})
        page.goto("/login")
        page.locator("[data-test=login]").fill(username)
        page.locator("[data-test=password]").fill(password)
        page.locator("[data-test=submit]").click()
        page.wait_for_url(re.compile(r"^(?!.*login).*$"))
        page.goto("/institution/base-info")
        expect(page.locator("[data-test=complete]")).to_have_text("未完善")
        expect(page.locator("[data-test=name]")).to_have_value("广西电力职业技术学院")
        choose(page, "type", "高职院校")
        page.locator("[data-test=credit-code]").fill("91110000600037341X")
        page.locator("[data-test=department]").fill("广西壮族自治区教育厅")
        page.locator("[data-test=province]").fill("450000")
        page.locator("[data-test=city]").fill("450100")
        page.locator("[data-test=county]").fill("450102")
        page.locator("[data-test=street]").fill("南宁市兴宁区示例路1号")
        page.locator("[data-test=contact-name]").fill("李老师")
        page.locator("[data-test=contact-phone]").fill("17600086571")
        page.locator("[data-test=contact-email]").fill("li@example.edu.cn")
        page.locator("[data-test=save]").click()
        field = page.locator(".el-form-item", has=page.locator("[data-test=credit-code]"))
        expect(field.locator(".el-form-item__error")).to_contain_text("统一社会信用代码不正确")
        expect(page.locator("[data-test=complete]")).to_have_text("未完善")
        page.locator("[data-test=credit-code]").fill("91110000600037341L")
        page.locator("[data-test=save]").click()
        expect(page.locator("[data-test=complete]")).to_have_text("已完善")
        screens.check(page, "institution-base-info-1280")
