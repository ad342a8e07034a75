"""The public screens and the sign-in screens, on a phone and a desktop."""

from browser import Platform, Screens, new_page
from playwright.sync_api import Browser, expect


class TestPublicScreens:
    def test_home_lists_the_demo_plan_open_for_registration(
        self, browser: Browser, platform: Platform, screens: Screens, viewport: dict[str, int]
    ):
        page = new_page(browser, platform, viewport)
        page.goto("/")
        expect(page.get_by_role("heading", name="职业技能等级认定 · 1+X 证书")).to_be_visible()
        expect(page.locator("[data-test=plan-card]").first).to_contain_text("电子商务师")
        screens.check(page, f"home-{viewport['width']}")

    def test_the_qr_code_url_opens_verification_with_the_number_filled_in(
        self, browser: Browser, platform: Platform, screens: Screens, viewport: dict[str, int]
    ):
        page = new_page(browser, platform, viewport)
        page.goto("/verify?number=GX2026000001")
        expect(page.locator("[data-test=number]")).to_have_value("GX2026000001")
        page.locator("[data-test=id-number]").fill("11010119850612013X")
        page.locator("[data-test=verify]").click()
        expect(page.get_by_role("alert")).to_contain_text("未查到该证书")
        screens.check(page, f"verify-{viewport['width']}")

    def test_a_wrong_id_number_is_shown_at_its_field(
        self, browser: Browser, platform: Platform, screens: Screens
    ):
        page = new_page(browser, platform, {"width": 1280, "height": 800})
        page.goto("/verify")
        page.locator("[data-test=number]").fill("GX2026000001")
        page.locator("[data-test=id-number]").fill("abc")
        page.locator("[data-test=verify]").click()
        field = page.locator(".el-form-item", has=page.locator("[data-test=id-number]"))
        expect(field.locator(".el-form-item__error")).to_be_visible()
        # Nothing typed is lost.
        expect(page.locator("[data-test=number]")).to_have_value("GX2026000001")


class TestSignInScreens:
    def test_login_signup_and_reset(
        self, browser: Browser, platform: Platform, screens: Screens, viewport: dict[str, int]
    ):
        page = new_page(browser, platform, viewport)
        width = viewport["width"]
        page.goto("/login")
        screens.check(page, f"login-{width}")
        page.get_by_role("tab", name="短信验证码登录").click()
        expect(page.locator("[data-test=send-code]")).to_be_visible()
        screens.check(page, f"login-sms-{width}")
        page.goto("/signup")
        screens.check(page, f"signup-{width}")
        page.goto("/password-reset")
        screens.check(page, f"password-reset-{width}")

    def test_a_wrong_password_is_reported_and_the_login_kept(
        self, browser: Browser, platform: Platform
    ):
        page = new_page(browser, platform, {"width": 1280, "height": 800})
        page.goto("/login")
        page.locator("[data-test=login]").fill("org.reviewer")
        page.locator("[data-test=password]").fill("wrong-password-1")
        page.locator("[data-test=submit]").click()
        expect(page.locator("[data-test=problem]")).to_be_visible()
        expect(page.locator("[data-test=login]")).to_have_value("org.reviewer")

    def test_staff_land_on_their_console_and_pages_need_the_right_role(
        self, browser: Browser, platform: Platform
    ):
        page = new_page(browser, platform, {"width": 1280, "height": 800})
        page.goto("/candidate/applications")
        expect(page).to_have_url(f"{platform.base_url}/login?redirect=/candidate/applications")
        page.locator("[data-test=login]").fill("org.reviewer")
        page.locator("[data-test=password]").fill(platform.staff_password)
        page.locator("[data-test=submit]").click()
        expect(page).to_have_url(f"{platform.base_url}/forbidden")
