"""考核站点 in the browser (seed 003 §2.2.5–2.2.6): the institution applies for a site and asks
to sit elsewhere (借考), the organisation approves, rejects with a reason and declines, and the
institution sets up the rooms of an exam, or copies the previous exam's."""

from __future__ import annotations

import random
import re
from typing import Any

import httpx
from browser import Platform, Screens
from playwright.sync_api import Browser, Page, expect
from staff import choose, confirm_dialog, file_payload, sign_in

from skillcert_embedded.demo import plan_payload, site_payload

API = "/api/v1/exam-scheduling"


def field_error(page: Page, test_id: str):  # type: ignore[no-untyped-def]
    """The error shown at the form item holding the element `data-test=test_id`."""
    item = page.locator(".el-form-item", has=page.locator(f"[data-test={test_id}]")).last
    return item.locator(".el-form-item__error")


def headers(client: httpx.Client, platform: Platform, username: str) -> dict[str, str]:
    response = client.post(
        "/api/v1/gateway/sessions", json={"login": username, "password": platform.staff_password}
    )
    response.raise_for_status()
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def applied_site(platform: Platform, name: str, *, approve: bool) -> dict[str, Any]:
    """A site application of the demo institution, approved by the demo organisation if asked."""
    with platform.client() as client:
        institution = headers(client, platform, "inst.admin")
        site = client.post(
            f"{API}/sites", json={**site_payload(), "name": name}, headers=institution
        )
        site.raise_for_status()
        if approve:
            org = headers(client, platform, "org.admin")
            client.post(f"{API}/sites/{site.json()['id']}/approve", headers=org).raise_for_status()
        result: dict[str, Any] = site.json()
        return result


def draft_serving(platform: Platform, site_id: str, title: str) -> dict[str, Any]:
    """A draft plan of the demo organisation with the site attached."""
    with platform.client() as client:
        org = headers(client, platform, "org.admin")
        plan = client.post(f"{API}/plans", json=plan_payload(title), headers=org)
        plan.raise_for_status()
        client.post(
            f"{API}/plans/{plan.json()['id']}/sites", json={"site_ids": [site_id]}, headers=org
        ).raise_for_status()
        result: dict[str, Any] = plan.json()
        return result


def tag() -> int:
    return random.randint(10_000, 99_999)


class TestInstitutionAppliesForASite:
    def test_an_empty_application_is_refused_at_its_fields_then_a_full_one_waits_for_review(
        self, browser: Browser, platform: Platform, screens: Screens
    ):
        page = sign_in(browser, platform, "inst.admin")
        page.goto("/institution/sites")
        expect(page.locator("h1")).to_have_text("考核站点")
        screens.check(page, "institution-sites")
        page.locator("[data-test=apply-site]").click()
        page.locator("[data-test=site-save]").click()
        expect(field_error(page, "site-name")).to_be_visible()
        expect(field_error(page, "site-contact-phone")).to_be_visible()
        screens.check(page, "institution-site-apply-errors")

        name = f"柳州职业技术大学电子商务师考核站点{tag()}"
        page.locator("[data-test=site-name]").fill(name)
        choose(page, "site-org", "示例培训评价组织")
        page.locator("[data-test=site-institution-name]").fill("柳州职业技术大学")
        choose(page, "site-region-province", "广西壮族自治区")
        choose(page, "site-region-city", "南宁市")
        choose(page, "site-region-county", "青秀区")
        page.locator("[data-test=site-address]").fill("广西南宁市青秀区示例路1号")
        choose(page, "site-certificate-0", "电子商务师")
        choose(page, "site-level-0", "一级/高级技师")
        page.locator("[data-test=site-description]").fill("计算机房两间，每间30个机位")
        page.locator("[data-test=site-contact-name]").fill("李老师")
        page.locator("[data-test=site-contact-phone]").fill("1380013800")
        page.locator("[data-test=site-contact-email]").fill("exam@example.edu.cn")
        page.locator("[data-test=site-save]").click()
        # The service's Chinese message stands at the field; what was typed stays.
        expect(field_error(page, "site-contact-phone")).to_be_visible()
        expect(field_error(page, "site-name")).to_have_count(0)
        page.locator("[data-test=site-contact-phone]").fill("13800138000")
        page.locator("[data-test=site-save]").click()
        card = page.locator(".el-card", has_text=name)
        # The list reloads with every site's rooms and documents: give a busy machine time.
        expect(card.locator("[data-test=site-status]")).to_have_text("待审核", timeout=20_000)
        expect(card).to_contain_text("广西壮族自治区 南宁市 青秀区")
        # 其他佐证材料: straight to storage, then confirmed; the file is listed on the card.
        card.locator("[data-test=attachment-file]").set_input_files(
            file_payload("机房建设情况.pdf", "application/pdf", b"%PDF-1.4\n% evidence\n")
        )
        expect(card.get_by_role("link", name="机房建设情况.pdf")).to_be_visible()
        screens.check(page, "institution-site-applied")


class TestOrganisationReviewsSites:
    def test_one_application_is_approved_and_another_rejected_with_a_reason(
        self, browser: Browser, platform: Platform, screens: Screens
    ):
        approve = applied_site(platform, f"待通过考核站点{tag()}", approve=False)
        reject = applied_site(platform, f"待驳回考核站点{tag()}", approve=False)
        page = sign_in(browser, platform, "org.admin")
        page.goto("/org/sites")
        expect(page.locator("[data-test=site-applications]")).to_be_visible()
        screens.check(page, "org-sites")

        card = page.locator(".el-card", has_text=approve["name"])
        card.locator("[data-test=approve-site]").click()
        confirm_dialog(page)
        expect(card.locator("[data-test=site-status]")).to_have_text("已通过")

        card = page.locator(".el-card", has_text=reject["name"])
        card.locator("[data-test=reject-site]").click()
        page.locator("[data-test=reject-save]").click()
        expect(field_error(page, "reject-reason")).to_be_visible()
        screens.check(page, "org-site-reject-errors")
        page.locator("[data-test=reject-reason]").fill("机房数量不满足考核站点建设标准")
        page.locator("[data-test=reject-save]").click()
        expect(card.locator("[data-test=site-status]")).to_have_text("未通过")
        expect(card).to_contain_text("机房数量不满足考核站点建设标准")


class TestInstitutionSetsUpRooms:
    def test_rooms_of_one_exam_are_added_and_copied_to_the_next(
        self, browser: Browser, platform: Platform, screens: Screens
    ):
        site = applied_site(platform, f"考场测试考核站点{tag()}", approve=True)
        first = draft_serving(platform, site["id"], f"考场测试计划甲{tag()}")
        second = draft_serving(platform, site["id"], f"考场测试计划乙{tag()}")
        page = sign_in(browser, platform, "inst.admin")
        page.goto("/institution/sites")
        card = page.locator(".el-card", has_text=site["name"])
        exam = card.locator("[data-test=plan-rooms]", has_text=first["title"])
        expect(exam).to_contain_text("本次考试还没有考场")

        exam.locator("[data-test=add-room]").click()
        page.locator("[data-test=room-save]").click()
        expect(field_error(page, "room-name")).to_be_visible()
        page.locator("[data-test=room-name]").fill("13号机房")
        page.locator("[data-test=room-address]").fill("广西南宁市青秀区示例路1号实训楼3层301室")
        page.locator("[data-test=room-save]").click()
        expect(exam).to_contain_text("13号机房")
        expect(exam).to_contain_text("实训楼3层301室")

        # The second plan's exam is the later one: it copies the first's rooms.
        later = card.locator("[data-test=plan-rooms]", has_text=second["title"])
        later.locator("[data-test=copy-rooms]").click()
        expect(later).to_contain_text("13号机房")
        screens.check(page, "institution-site-rooms")

    def test_a_room_is_edited_and_a_clashing_name_is_refused_at_its_field(
        self, browser: Browser, platform: Platform, screens: Screens
    ):
        site = applied_site(platform, f"编辑考场考核站点{tag()}", approve=True)
        plan = draft_serving(platform, site["id"], f"编辑考场计划{tag()}")
        with platform.client() as client:
            institution = headers(client, platform, "inst.admin")
            for name in ("13号机房", "14号机房"):
                client.post(
                    f"{API}/sites/{site['id']}/rooms",
                    json={
                        "plan_id": plan["id"],
                        "name": name,
                        "room_type": "computer",
                        "capacity": 30,
                        "address": "广西南宁市青秀区示例路1号实训楼3层301室",
                    },
                    headers=institution,
                ).raise_for_status()

        page = sign_in(browser, platform, "inst.admin")
        page.goto("/institution/sites")
        exam = page.locator(".el-card", has_text=site["name"]).locator(
            "[data-test=plan-rooms]", has_text=plan["title"]
        )
        exam.get_by_role("button", name="修改考场 14号机房").click()
        expect(page.locator("[data-test=room-name]")).to_have_value("14号机房")
        page.locator("[data-test=room-name]").fill("13号机房")
        page.locator("[data-test=room-save]").click()
        expect(field_error(page, "room-name")).to_contain_text("已有同名考场")
        page.locator("[data-test=room-name]").fill("14号笔试教室")
        choose(page, "room-type", "笔试考场")
        page.locator("#room-capacity").fill("45")
        screens.check(page, "institution-room-edit")
        page.locator("[data-test=room-save]").click()
        row = exam.locator("li", has_text="14号笔试教室")
        expect(row).to_contain_text("笔试考场")
        expect(row).to_contain_text("45 座")


class TestBorrowing:
    def test_the_institution_asks_to_sit_elsewhere_and_the_organisation_declines(
        self, browser: Browser, platform: Platform, screens: Screens
    ):
        page = sign_in(browser, platform, "inst.admin")
        page.goto("/institution/sites")
        page.locator("[data-test=borrow]").click()
        choose(page, "borrow-org", "示例培训评价组织")
        page.locator("[data-test=borrow-institution-name]").fill("柳州职业技术大学")
        choose(page, "borrow-occupation", "供应链管理师")
        choose(page, "borrow-level", "三级/高级工")
        note = f"本校暂无符合标准的机房（{tag()}）"
        page.locator("[data-test=borrow-note]").fill(note)
        screens.check(page, "institution-borrow-form")
        page.locator("[data-test=borrow-save]").click()
        expect(page.locator("[data-test=borrowings]")).to_contain_text("待分配")
        page.context.close()

        page = sign_in(browser, platform, "org.admin")
        page.goto("/org/sites")
        page.get_by_role("tab", name="借考申请").click()
        row = page.locator("[data-test=borrowings] tr", has_text=note)
        expect(row).to_contain_text("供应链管理师")
        screens.check(page, "org-borrowings")
        row.get_by_role("button", name=re.compile("不通过.*借考申请")).click()
        page.locator("[data-test=reject-reason]").fill("请联系就近考核站点后重新申请")
        page.locator("[data-test=reject-save]").click()
        expect(row).to_contain_text("未同意")


class TestPlanWindows:
    def test_the_plan_shows_its_number_and_five_windows_and_a_cleared_window_is_refused(
        self, browser: Browser, platform: Platform, screens: Screens
    ):
        with platform.client() as client:
            org = headers(client, platform, "org.admin")
            plan = client.post(
                f"{API}/plans", json=plan_payload(f"时间安排测试{tag()}"), headers=org
            )
            plan.raise_for_status()
        page = sign_in(browser, platform, "org.admin")
        page.goto(f"/org/plans/{plan.json()['id']}")
        expect(page.locator("[data-test=plan-number]")).to_have_text(plan.json()["number"])
        for window in ("registration", "scheduling", "exam", "scores", "publicity"):
            expect(page.locator(f"[data-test=window-{window}]")).to_contain_text("–")
        screens.check(page, "org-plan-windows")

        page.locator("[data-test=edit-windows]").click()
        exam = page.locator(".el-dialog .el-form-item", has_text="考试时间")
        exam.locator(".el-form-item__content").hover()
        exam.locator(".el-range__close-icon").click()
        page.locator("[data-test=windows-save]").click()
        expect(exam.locator(".el-form-item__error")).to_be_visible()
        screens.check(page, "org-plan-windows-errors")
        page.locator(".el-dialog").get_by_role("button", name="取消").click()

        page.locator("[data-test=edit-windows]").click()
        page.locator("[data-test=windows-save]").click()
        expect(page.get_by_text("时间安排已更新")).to_be_visible()


class TestSubjectCatalogue:
    def test_a_subject_is_added_refused_without_a_name_and_disabled(
        self, browser: Browser, platform: Platform, screens: Screens
    ):
        page = sign_in(browser, platform, "org.admin")
        page.goto("/org/subjects")
        expect(page.locator("h1")).to_have_text("考试科目")
        screens.check(page, "org-subjects")
        page.locator("[data-test=create-subject]").click()
        choose(page, "subject-occupation", "电子商务师")
        choose(page, "subject-level", "一级/高级技师")
        page.locator("[data-test=subject-save]").click()
        expect(field_error(page, "subject-name")).to_be_visible()
        screens.check(page, "org-subject-form-errors")
        name = f"实操考核{tag()}"
        page.locator("[data-test=subject-name]").fill(name)
        choose(page, "subject-method", "实操")
        page.locator("[data-test=subject-all-candidates]").click()
        page.locator("[data-test=subject-audience]").fill("院校考生、社会考生")
        page.locator("[data-test=subject-save]").click()
        row = page.locator("[data-test=subjects] tr", has_text=name)
        expect(row).to_contain_text("院校考生、社会考生")
        expect(row.locator("[data-test=subject-status]")).to_have_text("已启用")
        row.locator("[data-test=toggle-subject]").click()
        expect(row.locator("[data-test=subject-status]")).to_have_text("已停用")
