"""证书试点申报 in the browser: the province publishes the year's plan, an institution applies
for a certificate (majors, headcount, teachers and venue, a PDF attachment) and submits after
the confirmation, the province approves with its own headcount, and the institution sees it."""

import re

from browser import Platform, Screens, new_page
from playwright.sync_api import Browser, Page, expect
from staff import confirm_dialog, sign_in
from test_institution import signed_up_head

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
INSTITUTION = "南宁市第一职业技术学校"
CERTIFICATE = "电子商务师职业技能等级证书"


def choose(page: Page, select: str, *options: str) -> None:
    page.locator(f"[data-test={select}]").click()
    for option in options:
        page.get_by_role("option", name=option, exact=True).click()
    page.keyboard.press("Escape")


def complete_base_info(platform: Platform, username: str, password: str) -> None:
    with platform.client() as client:
        token = client.post(
            "/api/v1/gateway/sessions", json={"login": username, "password": password}
        ).json()["access_token"]
        response = client.put(
            "/api/v1/institution/base-info",
            headers={"Authorization": f"Bearer {token}"},
            json={
                "type": "中职学校",
                "credit_code": "91110000600037341L",
                "education_department": "广西壮族自治区教育厅",
                "address": {
                    "province": "450000",
                    "city": "450100",
                    "county": "450102",
                    "street": "南宁市兴宁区示例路2号",
                },
                "contact_name": "黄老师",
                "contact_phone": "17600086572",
                "contact_email": "huang@example.edu.cn",
            },
        )
        assert response.status_code == 200, response.text


def sign_in_as(browser: Browser, platform: Platform, username: str, password: str) -> Page:
    page = new_page(browser, platform, {"width": 1280, "height": 800})
    page.goto("/login")
    page.locator("[data-test=login]").fill(username)
    page.locator("[data-test=password]").fill(password)
    page.locator("[data-test=submit]").click()
    page.wait_for_url(re.compile(r"^(?!.*login).*$"))
    return page


class TestPilotApplication:
    def test_an_institution_applies_and_the_province_approves(
        self, browser: Browser, platform: Platform, screens: Screens
    ):
        username, password = signed_up_head(platform, "13700004001", "3145010101", INSTITUTION)
        complete_base_info(platform, username, password)

        # The province publishes the year's plan: one open batch offering the certificate.
        province = sign_in(browser, platform, "province.admin")
        province.goto("/province/pilot-plans")
        expect(province.locator("[data-test=publish-plan]")).to_be_visible()
        province.locator("[data-test=publish-plan]").click()
        choose(province, "batch-certificates", CERTIFICATE)
        screens.check(province, "pilot-plan-form")
        province.locator("[data-test=plan-save]").click()
        confirm_dialog(province)
        expect(province.locator(".el-message--success")).to_contain_text("申报计划已发布")
        expect(province.locator("[data-test=batches]")).to_contain_text("申报中")
        screens.check(province, "pilot-plans")

        # The institution applies: a draft first, then submitted after the confirmation.
        page = sign_in_as(browser, platform, username, password)
        page.goto("/institution/pilot")
        expect(page.locator("[data-test=plan-batches]")).to_contain_text("申报中")
        page.locator("[data-test=new-application]").click()
        choose(page, "form-majors", "电子商务（中职，730701）")
        page.locator("[data-test=form-headcount] input").fill("80")
        page.locator("[data-test=form-teachers]").fill("专任教师12名，其中双师型教师8名")
        page.locator("[data-test=form-venue]").fill("电子商务实训室2间，工位100个")
        page.locator("[data-test=form-file]").set_input_files(
            files=[{"name": "师资证明.pdf", "mimeType": "application/pdf", "buffer": PDF}]
        )
        expect(page.locator("[data-test=form-attachments]")).to_contain_text("师资证明.pdf")
        # A text file named .pdf is refused by its content, not its name.
        page.locator("[data-test=form-file]").set_input_files(
            files=[{"name": "假的.pdf", "mimeType": "application/pdf", "buffer": b"not a pdf"}]
        )
        expect(page.locator("[data-test=upload-error]")).to_contain_text("不是pdf或word文档")
        screens.check(page, "pilot-application-form")
        page.locator("[data-test=submit-application]").click()
        confirm_dialog(page)
        expect(page.locator(".el-message--success")).to_contain_text("已提交审核")
        row = page.locator("[data-test=applications] .el-table__row", has_text=CERTIFICATE)
        expect(row.locator("[data-test=application-status]")).to_have_text("待省级审核")
        expect(row.locator("[data-test=edit-application]")).to_have_count(0)
        screens.check(page, "pilot-applications")

        # The province approves with a headcount of its own; the trail shows the decision.
        province.goto("/province/pilot-review")
        queued = province.locator("[data-test=review-queue] .el-table__row", has_text=INSTITUTION)
        expect(queued).to_contain_text(CERTIFICATE)
        queued.locator("[data-test=open-application]").click()
        expect(province.locator("[data-test=detail-teachers]")).to_contain_text("双师型教师8名")
        province.locator("[data-test=approved-headcount] input").fill("60")
        province.locator("[data-test=decide]").click()
        confirm_dialog(province)
        expect(province.locator("[data-test=detail-status]")).to_have_text("审核通过")
        expect(province.locator("[data-test=decisions]")).to_contain_text("省级审核 · 通过")
        screens.check(province, "pilot-review-decided")

        page.reload()
        row = page.locator("[data-test=applications] .el-table__row", has_text=CERTIFICATE)
        expect(row.locator("[data-test=application-status]")).to_have_text("审核通过")
        expect(row).to_contain_text("60")


class TestPilotScreens:
    def test_the_province_screens_at_every_width(
        self, browser: Browser, platform: Platform, screens: Screens, viewport: dict[str, int]
    ):
        page = sign_in(browser, platform, "province.admin", viewport)
        for path in ("/province/pilot-plans", "/province/pilot-review", "/province/city-reviewers"):
            page.goto(path)
            expect(page.locator("h1")).to_be_visible()
            expect(page.locator("[data-test=loading]")).to_have_count(0)
            screens.check(page, f"{path.strip('/').replace('/', '-')}-{viewport['width']}")
        page.context.close()


class TestCityReviewers:
    def test_the_province_creates_a_city_reviewer_who_sees_the_city_queue(
        self, browser: Browser, platform: Platform, screens: Screens
    ):
        page = sign_in(browser, platform, "province.admin")
        page.goto("/province/city-reviewers")
        page.locator("[data-test=reviewer-username]").fill("nn.reviewer")
        page.locator("[data-test=reviewer-name]").fill("南宁市教育局审核员")
        page.locator("[data-test=reviewer-password]").fill("City-Review-2026")
        # No city chosen: the error stands at the page's own field, and nothing is created.
        page.locator("[data-test=reviewer-save]").click()
        city_item = page.locator(".el-form-item", has=page.locator("[data-test=reviewer-city]"))
        expect(city_item.locator(".el-form-item__error")).to_be_visible()
        expect(page.locator("[data-test=reviewer-created]")).to_have_count(0)
        choose(page, "reviewer-city", "南宁市")
        page.locator("[data-test=reviewer-save]").click()
        expect(page.locator("[data-test=reviewer-created]")).to_contain_text("CITY-450100")
        screens.check(page, "province-city-reviewer-created")

        reviewer = sign_in_as(browser, platform, "nn.reviewer", "City-Review-2026")
        expect(reviewer).to_have_url(re.compile(r"/city/pilot-review$"))
        expect(reviewer.locator("h1")).to_have_text("市级试点申报审核")
        expect(reviewer.locator("[data-test=loading]")).to_have_count(0)
        screens.check(reviewer, "city-pilot-review")
