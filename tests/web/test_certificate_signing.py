"""Refusal and a new signing round in the browser (seed 003 §3.2): the head refuses a
certificate with a reason; the organisation finds it among the refused ones, deals with it and
starts a new round; the organisation then signs first and the head's signature issues it; the
signing history shows the refused round and the completed one.

The pending certificate is reached over the API with the API journey's steps; the screens of
those steps have their own browser tests."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from browser import Platform, Screens
from journey import Journey, eventually, ok, resident_id
from playwright.sync_api import Browser, Locator, Page, expect
from staff import confirm_dialog, in_thread, sign_in

from skillcert_devtools.run import SIMULATOR_PATH

ID_NUMBER = resident_id("19850612", 3)


async def pending_certificate(platform: Platform) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=platform.base_url, timeout=30) as client:
        journey = Journey(
            client, platform.staff_password, platform.base_url + SIMULATOR_PATH, id_number=ID_NUMBER
        )
        await journey.staff()
        await journey.organisation_opens_a_plan()
        await journey.candidate_registers()
        await journey.institution_lists_the_candidate()
        await journey.candidate_applies()
        await journey.reviewer_approves()
        await journey.candidate_pays()
        await journey.exam_is_scheduled()
        await journey.organisation_imports_scores()
        await journey.head_has_a_stamp()
        head = journey.headers["institution_head"]
        app_id = journey.state["application_id"]

        async def record() -> dict[str, Any] | None:
            page = ok(await client.get("/api/v1/certificate/certificates", headers=head))
            return next((c for c in page["items"] if c["application_id"] == app_id), None)

        return await eventually(record, "the certificate record")


@pytest.fixture(scope="module")
def certificate(platform: Platform) -> dict[str, Any]:
    return in_thread(pending_certificate(platform))


def row_of(page: Page, certificate: dict[str, Any]) -> Locator:
    return page.locator("[data-test=certificates] tr", has_text=certificate["ticket_number"])


def show(page: Page, status: str) -> None:
    """Pick the status filter's option (the label in Chinese)."""
    page.locator("[data-test=status-filter]").click()
    options = page.locator(".el-select-dropdown__item:visible")
    # Exact: "已签发" is also part of "评价组织已签发，待考核站点签发".
    options.get_by_text(status, exact=True).click()


def give_reason(page: Page, text: str) -> None:
    dialog = page.locator(".el-dialog:visible")
    dialog.locator("textarea[data-test=reason], [data-test=reason] textarea").fill(text)
    dialog.locator("[data-test=reason-submit]").click()
    expect(dialog).to_be_hidden()


def test_refused_then_dealt_with_then_signed_in_either_order(
    browser: Browser, platform: Platform, screens: Screens, certificate: dict[str, Any]
):
    head = sign_in(browser, platform, "inst.head")
    head.goto("/head/certificates")
    row_of(head, certificate).locator("[data-test=reject]").click()
    # A reason of one character is refused at its field.
    dialog = head.locator(".el-dialog:visible")
    dialog.locator("textarea[data-test=reason], [data-test=reason] textarea").fill("错")
    dialog.locator("[data-test=reason-submit]").click()
    expect(dialog.locator(".el-form-item__error")).to_be_visible()
    screens.check(head, "signing-refusal-reason-error")
    give_reason(head, "姓名与身份证不一致，请核对")
    expect(head.locator(".el-message--success", has_text="退回培训评价组织")).to_be_visible()

    org = sign_in(browser, platform, "org.admin")
    org.goto("/org/certificates")
    show(org, "拒绝签发")
    refused = row_of(org, certificate)
    expect(refused).to_contain_text("姓名与身份证不一致")
    screens.check(org, "signing-refused-in-org-console")
    refused.locator("[data-test=reopen]").click()
    expect(org.locator(".el-dialog:visible")).to_contain_text("拒签理由：姓名与身份证不一致")
    give_reason(org, "已与学校核对，姓名无误")
    expect(org.locator(".el-message--success", has_text="已重新发起签发")).to_be_visible()

    # The new round: the organisation signs first, then the head's signature issues.
    show(org, "待考核站点签发")
    row_of(org, certificate).locator("[data-test=sign]").click()
    confirm_dialog(org)
    expect(org.locator(".el-message--success", has_text="等待考核站点负责人签发")).to_be_visible()

    head.reload()
    show(head, "评价组织已签发，待考核站点签发")
    row_of(head, certificate).locator("[data-test=sign]").click()
    confirm_dialog(head)
    expect(head.locator(".el-message--success", has_text="证书已签发")).to_be_visible()

    show(head, "已签发")
    row = row_of(head, certificate)
    expect(row.locator("[data-test=reject]")).to_have_count(0)
    row.locator("[data-test=history]").click()
    rounds = head.locator("[data-test=round]")
    expect(rounds).to_have_count(2)
    expect(rounds.nth(0)).to_contain_text("第 1 轮 · 已处理，已重新发起")
    expect(rounds.nth(0)).to_contain_text("姓名与身份证不一致")
    expect(rounds.nth(0)).to_contain_text("已与学校核对，姓名无误")
    expect(rounds.nth(1)).to_contain_text("第 2 轮 · 双方已签发")
    screens.check(head, "signing-history")
