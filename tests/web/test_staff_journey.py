"""The journey after the candidate holds an admission ticket, in the browser: the organisation
imports the scores and locks them (which determines the result), the institution head and then
the organisation sign the certificate, and anyone verifies it on the public page.

The steps before the ticket (sign-up, application, review, payment, scheduling) run over the
API with the API journey's own steps: they are the candidate's and reviewer's browser tests."""

from __future__ import annotations

import re
import time
from datetime import datetime
from typing import Any

import httpx
from browser import Platform, Screens, new_page
from journey import Journey, resident_id, windows_in
from playwright.sync_api import Browser, expect
from staff import (
    accept_stamp_agreement,
    confirm_dialog,
    file_payload,
    in_thread,
    score_sheet,
    sign_in,
    stamp_png,
    upload_stamp,
)

from skillcert.pdf_testing import read_qr_codes, render_page
from skillcert_devtools.run import SIMULATOR_PATH

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def candidate_with_a_ticket(platform: Platform) -> Journey:
    async with httpx.AsyncClient(base_url=platform.base_url, timeout=30) as client:
        journey = Journey(
            client,
            platform.staff_password,
            platform.base_url + SIMULATOR_PATH,
            id_number=resident_id("19850612", 7),
        )
        await journey.staff()
        await journey.organisation_opens_a_plan()
        await journey.candidate_registers()
        await journey.institution_lists_the_candidate()
        await journey.candidate_applies()
        await journey.reviewer_approves()
        await journey.candidate_pays()
        await journey.exam_is_scheduled()
    return journey


def wait_for(probe: Any, what: str, timeout_s: float = 60) -> Any:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if found := probe():
            return found
        time.sleep(0.3)
    raise AssertionError(f"not reached in {timeout_s}s: {what}")


def move_windows(api: httpx.Client, headers: dict[str, str], plan_id: str, phase: str) -> None:
    """The clock moves on: the plan's windows put now in `phase` (journey.windows_in)."""
    plan = api.get(f"/api/v1/exam-scheduling/plans/{plan_id}", headers=headers).json()
    windows = windows_in(plan, phase)
    moved = api.put(
        f"/api/v1/exam-scheduling/plans/{plan_id}/windows", json=windows, headers=headers
    )
    assert moved.status_code == 200, moved.text

    def followed() -> bool:
        sheet = api.get(f"/api/v1/scoring/plans/{plan_id}", headers=headers).json()
        return sheet.get("scores_open_at") is not None and datetime.fromisoformat(
            sheet["scores_open_at"]
        ) == datetime.fromisoformat(windows["scores_open_at"])

    wait_for(followed, f"scoring's plan copy in {phase}")


def test_scores_then_both_signatures_then_public_verification(
    browser: Browser, platform: Platform, screens: Screens
):
    journey = in_thread(candidate_with_a_ticket(platform))
    plan_id, ticket = journey.state["plan_id"], journey.state["ticket_number"]
    api = platform.client()
    org_headers = journey.headers["org_admin"]

    def rostered() -> bool:
        sheet = api.get(f"/api/v1/scoring/plans/{plan_id}", headers=org_headers)
        return sheet.status_code == 200 and sheet.json()["rostered"] >= 1

    wait_for(rostered, "the candidate on the scoring roster")
    move_windows(api, org_headers, plan_id, "scores")

    # The organisation imports the theory scores from Excel: a bad sheet first.
    org = sign_in(browser, platform, "org.admin")
    org.goto(f"/org/scores?plan={plan_id}")
    expect(org.locator("[data-test=sheet-status]")).to_have_text("成绩登记")
    screens.check(org, "journey-org-scores")
    org.locator("[data-test=import-file]").set_input_files(
        file_payload("scores.xlsx", XLSX, score_sheet([(ticket, "八十六")]))
    )
    org.locator("[data-test=import-submit]").click()
    report = org.locator("[data-test=row-errors]")
    expect(report).to_contain_text("第 2 行")
    expect(report).to_contain_text("成绩应为数字")
    screens.check(org, "journey-org-scores-row-errors")
    org.locator("[data-test=import-file]").set_input_files(
        file_payload("scores.xlsx", XLSX, score_sheet([(ticket, 86)]))
    )
    org.locator("[data-test=import-submit]").click()
    expect(org.locator(".el-message--success")).to_contain_text("新增 1 条")
    expect(org.locator("[data-test=row-errors]")).to_have_count(0)

    # The practical score typed in, then the scores locked for good after confirming.
    org.locator("[data-test=subject]").get_by_text("P01").click()
    org.locator("[data-test=single-ticket] input, input[data-test=single-ticket]").fill(ticket)
    org.locator("[data-test=single-score] input, input[data-test=single-score]").fill("78")
    org.locator("[data-test=single-submit]").click()
    scores = org.locator("[data-test=scores]")
    expect(scores.locator("tr", has_text=ticket)).to_contain_text("86")
    expect(scores.locator("tr", has_text=ticket)).to_contain_text("78")
    move_windows(api, org_headers, plan_id, "locked")
    org.reload()
    expect(org.locator("[data-test=sheet-status]")).to_have_text("成绩公示")
    org.locator("[data-test=lock]").click()
    expect(org.locator(".el-message-box")).to_contain_text("不可撤回")
    screens.check(org, "journey-org-lock-confirm")
    confirm_dialog(org)
    expect(org.locator("[data-test=lock-summary]")).to_contain_text("合格 1 人")
    expect(org.locator("[data-test=sheet-status]")).to_have_text("永久锁定")
    screens.check(org, "journey-org-scores-locked")

    head_headers = journey.headers["institution_head"]

    def certificate(status: str) -> dict[str, Any] | None:
        page = api.get(
            "/api/v1/certificate/certificates", params={"status": status}, headers=head_headers
        ).json()
        return next((c for c in page["items"] if c["ticket_number"] == ticket), None)

    wait_for(lambda: certificate("pending_head_signature"), "the certificate record")

    # The institution head uploads a stamp, then signs after confirming.
    head = sign_in(browser, platform, "inst.head")
    head.goto("/head/stamp")
    accept_stamp_agreement(head)
    upload_stamp(head, stamp_png())
    expect(head.locator("[data-test=stamp-done]")).to_contain_text("签名章已更新")
    screens.check(head, "journey-head-stamp")
    head.goto("/head/certificates")
    row = head.locator("[data-test=certificates] tr", has_text=ticket)
    row.locator("[data-test=sign]").click()
    expect(head.locator(".el-message-box")).to_contain_text("签发后不可撤回")
    screens.check(head, "journey-head-sign-confirm")
    confirm_dialog(head)
    expect(head.locator(".el-message--success")).to_contain_text("等待评价组织签发")
    expect(head.locator("[data-test=certificates] tr", has_text=ticket)).to_have_count(0)

    # The organisation signs: the certificate is numbered and issued.
    org.goto("/org/certificates")
    row = org.locator("[data-test=certificates] tr", has_text=ticket)
    expect(row).to_contain_text("站点负责人")
    screens.check(org, "journey-org-certificates")
    row.locator("[data-test=sign]").click()
    confirm_dialog(org)
    issued = org.locator(".el-message--success")
    expect(issued).to_contain_text("证书已签发，编号")
    match = re.search(r"编号\s*(\S+)", issued.inner_text())
    assert match, issued.inner_text()
    number = match.group(1)

    # Anyone verifies it: a phone scans the QR code on the holder's PDF, which opens the
    # public verification page with the number filled in; the holder's ID number is asked.
    mine = api.get("/api/v1/certificate/certificates/mine", headers=journey.headers["candidate"])
    (issued_pdf,) = [c for c in mine.json() if c["number"] == number]
    pdf = httpx.get(issued_pdf["download_url"], timeout=30).content
    (qr_url,) = read_qr_codes(render_page(pdf, dpi=150))
    assert qr_url == f"{platform.base_url}/verify?number={number}"
    public = new_page(browser, platform, {"width": 375, "height": 812})
    public.goto(qr_url)
    expect(public.locator("[data-test=number] input, input[data-test=number]")).to_have_value(
        number
    )
    public.locator("[data-test=id-number] input, input[data-test=id-number]").fill(
        journey.id_number
    )
    public.locator("[data-test=verify]").click()
    verification = public.locator("[data-test=verification]")
    expect(verification).to_contain_text(number)
    expect(verification).to_contain_text("证书有效")
    expect(verification).to_contain_text("王**")  # the holder's name masked on the public page
    screens.check(public, "journey-public-verified-375")
