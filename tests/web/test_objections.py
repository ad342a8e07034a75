"""成绩异议 in the browser: during publicity the candidate objects to a subject score with a
reason and an attachment; the organisation sees the queue, answers with a corrected score, and
the candidate sees the answer and the new score."""

from typing import Any

from browser import Platform, Screens
from playwright.sync_api import Browser, expect
from staff import in_thread, sign_in
from test_pilot import sign_in_as
from test_staff_journey import candidate_with_a_ticket, move_windows, wait_for

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_candidate_objects_and_the_organisation_corrects(
    browser: Browser, platform: Platform, screens: Screens
):
    journey = in_thread(candidate_with_a_ticket(platform))
    plan_id, ticket = journey.state["plan_id"], journey.state["ticket_number"]
    api = platform.client()
    org: dict[str, Any] = journey.headers["org_admin"]

    def rostered() -> bool:
        sheet = api.get(f"/api/v1/scoring/plans/{plan_id}", headers=org)
        return sheet.status_code == 200 and sheet.json()["rostered"] >= 1

    wait_for(rostered, "the candidate on the scoring roster")
    move_windows(api, org, plan_id, "scores")
    for subject, score in (("T01", 86), ("P01", 52)):
        imported = api.post(
            f"/api/v1/scoring/plans/{plan_id}/subjects/{subject}/scores",
            json={"scores": [{"ticket_number": ticket, "score": score}]},
            headers=org,
        )
        assert imported.status_code == 200, imported.text
    move_windows(api, org, plan_id, "publicity")

    # The candidate objects to the practical score, with a photo of the marking sheet.
    candidate = sign_in_as(browser, platform, journey.phone, "Candidate2026")
    candidate.goto("/candidate/scores")
    expect(candidate.locator("[data-test=result]").first).to_contain_text("公示中")
    candidate.get_by_role("button", name="对操作技能成绩提出异议").click()
    candidate.locator("[data-test=objection-submit]").click()
    expect(candidate.locator(".el-form-item__error")).to_contain_text("必填")
    candidate.locator(
        "textarea[data-test=objection-reason], [data-test=objection-reason] textarea"
    ).fill("第二题操作步骤已完成但未计分")
    candidate.locator("[data-test=objection-file]").set_input_files(
        {"name": "评分表.png", "mimeType": "image/png", "buffer": PNG}
    )
    screens.check(candidate, "objection-form")
    candidate.locator("[data-test=objection-submit]").click()
    expect(candidate.locator(".el-message--success")).to_contain_text("异议已提交")
    expect(candidate.locator("[data-test=my-objections]")).to_contain_text("待答复")

    # The organisation answers from its queue with a corrected score.
    page = sign_in(browser, platform, "org.admin")
    page.goto(f"/org/scores?plan={plan_id}")
    expect(page.locator("[data-test=sheet-status]")).to_have_text("成绩公示")
    expect(page.locator("[data-test=publicity-by-plan]")).to_be_visible()
    queue = page.locator("[data-test=objections]")
    expect(queue).to_contain_text("第二题操作步骤已完成但未计分")
    expect(queue).to_contain_text("评分表.png")
    screens.check(page, "objections-queue")
    queue.get_by_role("button", name=f"答复 {ticket} 的异议").click()
    page.locator("[data-test=answer-submit]").click()
    expect(page.locator(".el-dialog .el-form-item__error").first).to_be_visible()
    page.locator("input[data-test=answer-score], [data-test=answer-score] input").fill("64")
    page.locator("textarea[data-test=answer-text], [data-test=answer-text] textarea").fill(
        "复核评分表，第二题补计 12 分"
    )
    page.locator("[data-test=answer-submit]").click()
    expect(page.locator(".el-message--success")).to_contain_text("异议已答复")
    expect(queue).to_contain_text("已更正")
    expect(page.locator("[data-test=changes]")).to_contain_text("异议答复：复核评分表")

    candidate.reload()
    expect(candidate.locator("[data-test=my-objections]")).to_contain_text(
        "复核评分表，第二题补计 12 分"
    )
    expect(candidate.locator("[data-test=result]").first).to_contain_text("64")
    screens.check(candidate, "objection-answered")
