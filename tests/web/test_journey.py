"""The candidate's journey in the browser, on a phone-sized screen: sign up, the four-step
wizard with an upload, submit; a reviewer (desktop) rejects with a reason; the candidate fixes
and resubmits; the reviewer approves; the candidate pays (the dev profile's WeChat Pay
simulator scans the QR code) and downloads the admission ticket. Each screen on the way is
photographed and checked with axe-core."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from browser import DESKTOP, PHONE, Platform, Screens, new_page
from journey import id_photo, resident_id
from playwright.sync_api import Browser, Locator, Page, expect
from staff import choose

from skillcert_embedded.demo import DEMO_PLAN_TITLE

pytestmark = pytest.mark.journey

PASSWORD = "Candidate2026"


def wait_for(probe: Callable[[], Any], what: str, timeout_s: float = 60) -> Any:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if found := probe():
            return found
        time.sleep(0.5)
    raise AssertionError(f"not reached in {timeout_s}s: {what}")


def staff_headers(client: httpx.Client, username: str, password: str) -> dict[str, str]:
    response = client.post(
        "/api/v1/gateway/sessions", json={"login": username, "password": password}
    )
    response.raise_for_status()
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def sms_code(client: httpx.Client, phone: str, ops: dict[str, str]) -> str:
    """The code from the dev SMS outbox (the dev profile keeps what it would have sent)."""

    def probe() -> str | None:
        response = client.get("/api/v1/notification/dev/sms", params={"phone": phone}, headers=ops)
        response.raise_for_status()
        for message in response.json():
            digits = "".join(c for c in message["body"] if c.isdigit())
            if len(digits) >= 6:
                return digits[:6]
        return None

    code: str = wait_for(probe, "SMS code in the dev outbox")
    return code


def pick_date(scope: Page | Locator, label: str, value: str) -> None:
    """Type into the date picker of the form item labelled `label`."""
    item = scope.locator(".el-form-item").filter(
        has=scope.page.locator(".el-form-item__label", has_text=re.compile(f"^{label}$"))
        if isinstance(scope, Locator)
        else scope.locator(".el-form-item__label", has_text=re.compile(f"^{label}$"))
    )
    field = item.locator("input").first
    field.fill(value)
    field.press("Enter")


def division(page: Page, test_id: str, province: str, city: str, county: str) -> None:
    choose(page, f"{test_id}-province", province)
    choose(page, f"{test_id}-city", city)
    choose(page, f"{test_id}-county", county)


def confirm_dialog(page: Page) -> None:
    page.locator(".el-message-box__btns .el-button--primary").click()


class Candidate:
    def __init__(self, page: Page, screens: Screens, phone: str, tmp: Path) -> None:
        self.page, self.screens, self.phone, self.tmp = page, screens, phone, tmp

    def shot(self, name: str) -> None:
        self.screens.check(self.page, f"journey-{name}")

    def signs_up(self, client: httpx.Client, ops: dict[str, str]) -> None:
        page = self.page
        page.goto("/signup")
        page.locator("[data-test=name]").fill("王小明")
        page.locator("[data-test=phone]").fill(self.phone)
        page.locator("[data-test=send-code]").click()
        page.locator("[data-test=code]").fill(sms_code(client, self.phone, ops))
        page.locator("[data-test=password]").fill(PASSWORD)
        self.shot("signup-filled")
        page.locator("[data-test=submit]").click()
        expect(page).to_have_url(re.compile(r"/candidate/plans$"))

    def applies(self, plan_title: str) -> str:
        page = self.page
        card = page.locator("[data-test=plan-card]", has_text=plan_title)
        expect(card).to_be_visible()
        self.shot("plans")
        card.locator("[data-test=apply]").click()
        confirm_dialog(page)
        expect(page).to_have_url(re.compile(r"/candidate/applications/[0-9a-f-]+/edit"))
        match = re.search(r"applications/([0-9a-f-]+)/edit", page.url)
        assert match
        return match.group(1)

    def fills_the_wizard(self, id_number: str) -> None:
        page = self.page
        # 1 基础信息: the seeds' rules are checked at the field before anything is sent.
        expect(page.locator("[data-test=step-basic]")).to_be_visible()
        page.locator("[data-test=mobile]").fill("123")
        page.locator("[data-test=save-next]").click()
        expect(page.locator(".el-form-item.is-error").first).to_be_visible()
        self.shot("wizard-1-rules")
        page.locator("[data-test=gender]").get_by_text("男").click()
        pick_date(page, "出生日期", "1985-06-12")
        choose(page, "ethnic-group", "汉族")
        choose(page, "education", "本科")
        choose(page, "political-status", "群众")
        page.locator("[data-test=mobile]").fill(self.phone)
        page.locator("[data-test=email]").fill("wang@example.com")
        page.locator("[data-test=postal-code]").fill("530000")
        choose(page, "candidate-source", "社会人员")
        self.shot("wizard-1-basic")
        page.locator("[data-test=save-next]").click()

        # 2 身份选择
        expect(page.locator("[data-test=step-identity]")).to_be_visible()
        page.locator("[data-test=identity]").get_by_text("职工身份").click()
        self.shot("wizard-2-identity")
        page.locator("[data-test=save-next]").click()

        # 3 报名信息: the ID number's own error comes back at its field; nothing is lost.
        expect(page.locator("[data-test=step-registration]")).to_be_visible()
        page.locator("[data-test=id-number]").fill(
            id_number[:-1] + ("0" if id_number[-1] != "0" else "1")
        )
        page.locator("[data-test=registering-unit]").fill("南宁示例电子商务有限公司")
        page.locator("[data-test=work-unit]").fill("南宁示例电子商务有限公司")
        years = page.locator("[data-test=years-worked] input, input[data-test=years-worked]").first
        years.fill("11")
        choose(page, "enterprise-type", "私营企业")
        division(page, "hukou", "广西壮族自治区", "南宁市", "兴宁区")
        division(page, "residence", "广西壮族自治区", "南宁市", "兴宁区")
        page.locator("[data-test=residence-address]").fill("民族大道100号")
        division(page, "work-address", "广西壮族自治区", "南宁市", "兴宁区")
        page.locator("[data-test=work-address-detail]").fill("民族大道100号")
        page.locator("[data-test=add-work]").click()
        period = page.locator("[data-test=work-0]")
        pick_date(period, "开始年月", "2014-07")
        period.locator("[data-test=unit]").fill("南宁示例电子商务有限公司")
        period.locator("[data-test=post]").fill("电子商务主管")
        period.locator("[data-test=referee]").fill("张总")
        period.locator("[data-test=referee-phone]").fill("13700137000")
        page.locator("[data-test=save-next]").click()
        id_field = page.locator(".el-form-item", has=page.locator("[data-test=id-number]"))
        expect(id_field.locator(".el-form-item__error")).to_be_visible()
        expect(page.locator("[data-test=registering-unit]")).to_have_value(
            "南宁示例电子商务有限公司"
        )
        self.shot("wizard-3-server-error")
        page.locator("[data-test=id-number]").fill(id_number)
        page.locator("[data-test=save-next]").click()

        # 4 证件信息上传: the prior certificate, the photo and the platform's verdict on it.
        expect(page.locator("[data-test=step-documents]")).to_be_visible()
        page.locator("[data-test=prior-occupation]").fill("4-01-02-02")
        choose(page, "prior-level", "二级/技师")
        page.locator("[data-test=prior-number]").fill("S000045000001193000123")
        pick_date(page, "发证日期", "2019-06-30")
        self.uploads_the_photo(id_photo())

    def uploads_the_photo(self, data: bytes) -> None:
        page = self.page
        photo = self.tmp / f"photo-{len(data)}.jpg"
        photo.write_bytes(data)
        page.locator("[data-test=file-photo]").set_input_files(photo)
        expect(page.locator("[data-test=material-photo] [data-test=verdict]")).to_have_text(
            "已通过平台检查"
        )

    def submits(self, shot: str) -> None:
        page = self.page
        self.shot(shot)
        page.locator("[data-test=submit]").click()
        expect(page.locator(".el-message-box")).to_be_visible()
        self.shot(f"{shot}-confirm")
        confirm_dialog(page)
        expect(page).to_have_url(re.compile(r"/candidate/applications/[0-9a-f-]+$"))
        expect(page.locator("[data-test=status]")).to_have_text("审核中")

    def waits_for_status(self, app_id: str, label: str) -> None:
        page = self.page

        def shown() -> bool:
            page.goto(f"/candidate/applications/{app_id}")
            status = page.locator("[data-test=status]")
            status.wait_for()
            return status.inner_text().strip() == label

        wait_for(shown, f"status {label}")


class Reviewer:
    def __init__(self, page: Page, screens: Screens) -> None:
        self.page, self.screens = page, screens

    def signs_in(self, password: str) -> None:
        page = self.page
        page.goto("/login")
        page.locator("[data-test=login]").fill("org.reviewer")
        page.locator("[data-test=password]").fill(password)
        page.locator("[data-test=submit]").click()
        expect(page).to_have_url(re.compile(r"/reviewer/queue$"))

    def opens_the_case_of(self, name: str, shot: str) -> None:
        page = self.page

        def listed() -> bool:
            page.goto("/reviewer/queue")
            page.wait_for_load_state("networkidle")
            return page.locator("[data-test=case]", has_text=name).count() > 0

        wait_for(listed, f"case of {name} in the queue")
        self.screens.check(page, f"journey-{shot}-queue")
        page.locator("[data-test=case]", has_text=name).locator("[data-test=open-case]").click()
        page.locator("[data-test=claim]").click()
        expect(page.locator("[data-test=approve]")).to_be_visible()
        expect(page.locator("[data-test=viewer] img").first).to_be_visible()
        page.locator("[data-test=zoom-in]").click()
        expect(page.locator("[data-test=findings] li").first).to_be_visible()
        self.screens.check(page, f"journey-{shot}-case")

    def rejects(self, code: str, text: str) -> None:
        page = self.page
        page.locator("[data-test=start-reject]").click()
        page.locator(f"[data-test=reason-{code}]").click()
        page.locator(f"[data-test=reason-text-{code}]").fill(text)
        expect(page.locator("[data-test=audit]")).to_contain_text("领取审核")
        self.screens.check(page, "journey-review-reject")
        page.locator("[data-test=reject]").click()
        confirm_dialog(page)
        expect(page).to_have_url(re.compile(r"/reviewer/queue$"))

    def approves(self) -> None:
        page = self.page
        page.locator("[data-test=approve]").click()
        confirm_dialog(page)
        expect(page).to_have_url(re.compile(r"/reviewer/queue$"))


def test_candidate_journey_in_the_browser(
    browser: Browser, platform: Platform, screens: Screens, tmp_path: Path
):
    client = platform.client()
    ops = staff_headers(client, "ops", platform.staff_password)
    phone = f"139{int(time.time() * 1000) % 100_000_000:08d}"
    id_number = resident_id()
    candidate = Candidate(new_page(browser, platform, PHONE), screens, phone, tmp_path)
    reviewer = Reviewer(new_page(browser, platform, DESKTOP), screens)

    candidate.signs_up(client, ops)
    # The demo plan by its full title: other tests open plans of the same occupation.
    app_id = candidate.applies(DEMO_PLAN_TITLE)
    candidate.fills_the_wizard(id_number)
    candidate.submits("wizard-4-documents")
    candidate.shot("status-submitted")

    reviewer.signs_in(platform.staff_password)
    reviewer.opens_the_case_of("王小明", "review-1")
    reviewer.rejects("photo_invalid", "照片背景不是白色，请重新上传")

    candidate.waits_for_status(app_id, "审核不通过")
    expect(candidate.page.locator("[data-test=reasons]")).to_contain_text("照片背景不是白色")
    candidate.shot("status-rejected")
    candidate.page.locator("[data-test=edit]").click()
    expect(candidate.page.locator("[data-test=step-documents]")).to_be_visible()
    candidate.uploads_the_photo(id_photo((50, 78)))
    candidate.submits("wizard-resubmit")

    reviewer.opens_the_case_of("王小明", "review-2")
    reviewer.approves()

    candidate.waits_for_status(app_id, "审核通过（待缴费）")
    candidate.shot("status-approved")
    page = candidate.page
    with page.expect_response(
        lambda r: r.url.endswith("/api/v1/payment/orders") and r.request.method == "POST"
    ) as created:
        page.locator("[data-test=pay]").click()
    order = created.value.json()
    expect(page.locator("[data-test=qr] svg")).to_be_visible()
    candidate.shot("payment-qr")
    # The payer scans the QR code: the dev profile's WeChat Pay simulator pays (ops only).
    paid = client.post(
        "/_dev/wechatpay/simulator/scan-and-pay",
        json={"out_trade_no": order["out_trade_no"]},
        headers=ops,
    )
    assert paid.is_success, paid.text
    # The page sees the payment by itself, without a reload.
    expect(page.locator("[data-test=order-status]")).to_contain_text("已支付", timeout=30_000)
    candidate.shot("payment-paid")

    def ticket_shown() -> bool:
        page.goto("/candidate/tickets")
        page.wait_for_load_state("networkidle")
        return page.locator("[data-test=ticket]").count() > 0

    wait_for(ticket_shown, "admission ticket", timeout_s=90)
    candidate.shot("ticket")
    with page.expect_download() as download:
        page.locator("[data-test=download-ticket]").click()
    saved = tmp_path / "ticket.html"
    download.value.save_as(saved)
    text = saved.read_text(encoding="utf-8")
    assert "准考证" in text and "王小明" in text and "第一考场" in text
