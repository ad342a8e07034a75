"""Each staff console in the browser: its screens load (on a phone and a desktop, each with
the accessibility check), one action works, and a refused input is shown at its field."""

from __future__ import annotations

import io
import random
from pathlib import Path

from browser import Platform, Screens
from journey import resident_id
from PIL import Image
from playwright.sync_api import Browser, expect
from staff import (
    accept_stamp_agreement,
    choose,
    confirm_dialog,
    file_payload,
    in_thread,
    sign_in,
    stamp_png,
)

from skillcert.pdf_testing import pdf_text
from skillcert_embedded.demo import login, plan_payload

SCREENS = {
    "org.admin": [
        "/org/plans",
        "/org/applications",
        "/org/sites",
        "/org/scores",
        "/org/certificates",
        "/org/payment-requests",
        "/org/reconciliation",
    ],
    "inst.admin": [
        "/institution/roster",
        "/institution/payment-requests",
        "/institution/sites",
        "/institution/scores",
    ],
    "inst.head": ["/head/certificates", "/head/stamp", "/head/admins"],
    "province.admin": ["/province/directory"],
    "ops": ["/ops/dead-letters", "/ops/accounts", "/ops/reconciliation"],
}


def field_error(page, test_id: str):  # type: ignore[no-untyped-def]
    """The error shown at the form item holding the input `data-test=test_id`."""
    item = page.locator(".el-form-item", has=page.locator(f"[data-test={test_id}]"))
    return item.locator(".el-form-item__error")


class TestEveryConsoleScreen:
    def test_screens_load(
        self, browser: Browser, platform: Platform, screens: Screens, viewport: dict[str, int]
    ):
        for username, paths in SCREENS.items():
            page = sign_in(browser, platform, username, viewport)
            for path in paths:
                page.goto(path)
                expect(page.locator("h1")).to_be_visible()
                expect(page.locator("[data-test=loading]")).to_have_count(0)
                screens.check(page, f"{path.strip('/').replace('/', '-')}-{viewport['width']}")
            page.context.close()


class TestOrganisationConsole:
    def test_an_empty_plan_is_refused_at_its_fields(
        self, browser: Browser, platform: Platform, screens: Screens
    ):
        page = sign_in(browser, platform, "org.admin")
        page.locator("[data-test=create-plan]").click()
        page.locator("[data-test=plan-title]").fill("")
        page.locator("[data-test=plan-save]").click()
        expect(field_error(page, "plan-title")).to_be_visible()
        expect(field_error(page, "plan-occupation")).to_be_visible()
        screens.check(page, "org-plan-form-errors")

    def test_a_weighted_result_rule_is_checked_at_its_fields_then_saved(
        self, browser: Browser, platform: Platform, screens: Screens
    ):
        page = sign_in(browser, platform, "org.admin")
        page.locator("[data-test=create-plan]").click()
        page.locator("[data-test=plan-title]").fill(f"综合成绩计划 {random.randint(1000, 9999)}")
        choose(page, "plan-occupation", "4-01-02-02")
        choose(page, "plan-level", "四级")
        for (start_label, start), (end_label, end) in (
            (("报名开始", "2031-03-01 09:00:00"), ("报名截止", "2031-03-20 17:00:00")),
            (("考试开始", "2031-04-10 09:00:00"), ("考试结束", "2031-04-10 17:00:00")),
        ):
            page.get_by_placeholder(start_label, exact=True).fill(start)
            page.get_by_placeholder(end_label, exact=True).fill(end)
            page.get_by_placeholder(end_label, exact=True).press("Enter")
        page.get_by_role("button", name="添加科目").click()
        page.locator("#s-code-1").fill("S02")
        page.locator("#s-name-1").fill("操作技能")

        # The seed's composite (综合成绩): weights that do not add up to 100 % are refused.
        page.locator("[data-test=rule-weighted_total]").click()
        page.locator("[data-test=weight-0] input").fill("40")
        page.locator("[data-test=weight-1] input").fill("50")
        page.locator("[data-test=rule-pass] input").fill("60")
        expect(page.locator("[data-test=weight-sum]")).to_contain_text("90%")
        page.locator("[data-test=plan-save]").click()
        rule = page.locator("[data-test=plan-rule]")
        expect(rule.locator(".field-error")).to_contain_text("各科权重之和须为 100%，现为 90%")
        screens.check(page, "org-plan-form-rule-errors")

        page.locator("[data-test=weight-1] input").fill("60")
        page.locator("[data-test=plan-save]").click()
        expect(page.locator("[data-test=plan-number]")).to_contain_text("K")
        expect(page.locator("[data-test=plan-rule]")).to_have_text(
            "综合成绩（T01 40% / S02 60%）达 60 分"
        )

    def test_a_draft_is_published_after_confirming(
        self, browser: Browser, platform: Platform, screens: Screens
    ):
        async def draft() -> str:
            import httpx

            async with httpx.AsyncClient(base_url=platform.base_url, timeout=30) as client:
                headers = await login(client, "org.admin", platform.staff_password)
                created = await client.post(
                    "/api/v1/exam-scheduling/plans",
                    json=plan_payload(f"浏览器测试草稿 {random.randint(1000, 9999)}"),
                    headers=headers,
                )
                created.raise_for_status()
                return str(created.json()["id"])

        plan_id = in_thread(draft())
        page = sign_in(browser, platform, "org.admin")
        page.goto(f"/org/plans/{plan_id}")
        expect(page.locator("[data-test=plan-status]")).to_have_text("草稿")
        screens.check(page, "org-plan-draft")
        page.locator("[data-test=publish]").click()
        confirm_dialog(page)
        expect(page.locator("[data-test=plan-status]")).to_have_text("已发布")
        screens.check(page, "org-plan-published")

    def test_a_reconciliation_date_in_the_future_is_refused_at_its_field(
        self, browser: Browser, platform: Platform
    ):
        page = sign_in(browser, platform, "org.admin")
        page.goto("/org/reconciliation")
        date = page.locator("#bill-date")
        date.fill("2099-01-01")
        date.press("Enter")
        page.locator("[data-test=run-reconciliation]").click()
        item = page.locator(".el-form-item", has=date)
        expect(item.locator(".el-form-item__error")).to_be_visible()


ROSTER_HEADER = "姓名,姓名拼音,证件类型,证件号码,手机号码,就读专业,专业层次,入学年份,考生类型\r\n"


class TestInstitutionConsole:
    def test_a_bad_roster_is_reported_per_row_and_a_good_one_imported(
        self, browser: Browser, platform: Platform, screens: Screens
    ):
        page = sign_in(browser, platform, "inst.admin")
        bad = ROSTER_HEADER + "李华,LI Hua,居民身份证,110101199001011234,1380013800,,,,社会考生\r\n"
        page.locator("[data-test=import-file]").set_input_files(
            file_payload("roster.csv", "text/csv", bad.encode("utf-8-sig"))
        )
        page.locator("[data-test=import-submit]").click()
        report = page.locator("[data-test=row-errors]")
        expect(report).to_contain_text("第 2 行")
        expect(report).to_contain_text("手机号码")
        screens.check(page, "institution-roster-row-errors")

        id_number = resident_id("19900101", random.choice((1, 3, 5, 7, 9)))
        good = ROSTER_HEADER + f"李华,LI Hua,居民身份证,{id_number},13800138000,,,,社会考生\r\n"
        page.locator("[data-test=import-file]").set_input_files(
            file_payload("roster.csv", "text/csv", good.encode("utf-8-sig"))
        )
        page.locator("[data-test=import-submit]").click()
        expect(page.locator(".el-message--success")).to_contain_text("导入完成")
        masked = f"{id_number[:6]}{'*' * 8}{id_number[-4:]}"
        expect(page.locator("[data-test=roster]")).to_contain_text(masked)

    def test_a_wrong_phone_is_shown_at_its_field_when_adding_one_student(
        self, browser: Browser, platform: Platform, screens: Screens
    ):
        page = sign_in(browser, platform, "inst.admin")
        page.locator("[data-test=add-student]").click()
        page.get_by_role("radio", name="社会考生").check(force=True)
        page.locator("[data-test=student-name]").fill("赵六")
        page.locator("[data-test=student-pinyin]").fill("ZHAO Liu")
        page.locator("[data-test=student-id]").fill("110101198001010018")
        page.locator("[data-test=student-phone]").fill("12345")
        page.locator("[data-test=student-save]").click()
        expect(field_error(page, "student-phone")).to_contain_text("手机号码")
        expect(page.locator("[data-test=student-name]")).to_have_value("赵六")
        screens.check(page, "institution-add-student-error")


class TestInstitutionHeadConsole:
    def test_the_agreement_then_a_stamp_refused_with_every_reason_then_previewed_and_kept(
        self, browser: Browser, platform: Platform, screens: Screens
    ):
        page = sign_in(browser, platform, "inst.head")
        page.goto("/head/stamp")
        expect(page.locator("[data-test=agreement-text]")).to_contain_text(
            "仅限于确认签发证书时使用"
        )
        accept_stamp_agreement(page)
        screens.check(page, "head-stamp-agreement")
        opaque = io.BytesIO()
        Image.new("RGB", (240, 120), (255, 255, 255)).save(opaque, "PNG")
        page.locator("[data-test=stamp-file]").set_input_files(
            file_payload("stamp.png", "image/png", opaque.getvalue())
        )
        page.locator("[data-test=stamp-upload]").click()
        errors = page.locator("[data-test=stamp-error] li")
        expect(errors).to_have_count(3)
        expect(errors.nth(0)).to_contain_text("须为正方形")
        expect(errors.nth(2)).to_contain_text("透明背景")
        screens.check(page, "head-stamp-error")
        page.locator("[data-test=stamp-file]").set_input_files(
            file_payload("stamp.png", "image/png", stamp_png())
        )
        page.locator("[data-test=stamp-upload]").click()
        link = page.locator("[data-test=stamp-sample-link]")
        expect(link).to_be_visible()
        with page.expect_download() as download:
            link.click()
        sample = Path(download.value.path()).read_bytes()
        assert sample.startswith(b"%PDF") and b"/Subtype /Image" in sample
        assert "证书样例" in pdf_text(sample)
        screens.check(page, "head-stamp-preview")
        page.locator("[data-test=stamp-confirm]").click()
        expect(page.locator("[data-test=stamp-done]")).to_contain_text("签名章已更新")

    def test_a_business_admin_is_created_and_a_weak_password_shown_at_its_field(
        self, browser: Browser, platform: Platform
    ):
        page = sign_in(browser, platform, "inst.head")
        page.goto("/head/admins")
        username = f"instadmin{random.randint(1000, 9999)}"
        page.locator("[data-test=account-username]").fill(username)
        page.locator("[data-test=account-name]").fill("新业务管理员")
        page.locator("[data-test=account-password]").fill("short")
        page.locator("[data-test=account-save]").click()
        expect(field_error(page, "account-password")).to_be_visible()
        page.locator("[data-test=account-password]").fill("Inst-Admin-2026-x")
        page.locator("[data-test=account-save]").click()
        expect(page.locator("[data-test=account-created]")).to_contain_text(username)


class TestProvinceConsole:
    def test_a_missing_institution_is_added_and_a_bad_code_shown_at_its_field(
        self, browser: Browser, platform: Platform, screens: Screens
    ):
        page = sign_in(browser, platform, "province.admin")
        # What has no API yet is said plainly, not shown with made-up data.
        expect(page.locator("[data-test=province-not-yet]")).to_contain_text("尚未提供")
        page.locator("[data-test=add-entry]").click()
        page.locator("[data-test=entry-code]").fill("123")
        name = f"浏览器测试职业学院{random.randint(1000, 9999)}"
        page.locator("[data-test=entry-name]").fill(name)
        page.locator("[data-test=entry-city]").click()
        page.get_by_role("option", name="南宁市").click()
        page.locator("[data-test=entry-reason]").fill("教育部名单遗漏")
        page.locator("[data-test=entry-save]").click()
        expect(field_error(page, "entry-code")).to_contain_text("10位数字")
        screens.check(page, "province-directory-error")
        page.locator("[data-test=entry-code]").fill(f"41{random.randint(10_000_000, 99_999_999)}")
        page.locator("[data-test=entry-save]").click()
        expect(page.locator(".el-message--success")).to_contain_text("已加入名单")
        page.locator("[data-test=name-filter]").fill(name)
        page.locator("[data-test=name-filter]").press("Enter")
        expect(page.locator("[data-test=directory]")).to_contain_text(name)


class TestOpsConsole:
    def test_every_service_dead_letters_can_be_read(self, browser: Browser, platform: Platform):
        page = sign_in(browser, platform, "ops")
        for label in ("审核服务", "证书服务", "通知服务"):
            page.locator("[data-test=service]").click()
            page.get_by_role("option", name=label).click()
            expect(page.locator("[data-test=empty]")).to_contain_text("该服务没有死信")
        expect(page.locator("[data-test=replay-all]")).to_be_disabled()

    def test_a_staff_account_is_created_and_a_bad_username_shown_at_its_field(
        self, browser: Browser, platform: Platform, screens: Screens
    ):
        page = sign_in(browser, platform, "ops")
        page.goto("/ops/accounts")
        page.locator("[data-test=account-username]").fill("9-Bad Name")
        page.locator("[data-test=account-name]").fill("新审核员")
        page.locator("[data-test=account-org]").fill("ORG-DEMO")
        page.locator("[data-test=account-password]").fill("Reviewer-2026-x")
        page.locator("[data-test=account-save]").click()
        expect(field_error(page, "account-username")).to_be_visible()
        screens.check(page, "ops-account-error")
        username = f"reviewer{random.randint(1000, 9999)}"
        page.locator("[data-test=account-username]").fill(username)
        page.locator("[data-test=account-save]").click()
        expect(page.locator("[data-test=account-created]")).to_contain_text(username)
