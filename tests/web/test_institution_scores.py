"""成绩查询 in the browser: the institution sees nothing of a plan's scores while they are
being registered; once publicity opens, its student with each subject's score (a failed one
marked) and, once the scores are locked, the certificate result, the ID number masked."""

import re
from typing import Any

from browser import Platform, Screens
from playwright.sync_api import Browser, expect
from staff import in_thread, sign_in
from test_staff_journey import candidate_with_a_ticket, move_windows, wait_for


def test_the_institution_sees_its_students_scores_from_publicity_on(
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

    page = sign_in(browser, platform, "inst.admin")
    page.goto(f"/institution/scores?plan={plan_id}")
    expect(page.locator("[data-test=sheet-status]")).to_contain_text("成绩登记中")
    expect(page.locator("[data-test=not-yet]")).to_be_visible()
    expect(page.locator("[data-test=students]")).to_have_count(0)

    move_windows(api, org, plan_id, "publicity")
    page.reload()
    row = page.locator("[data-test=students] .el-table__row", has_text=ticket)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("王小明")
    id_number = journey.id_number
    expect(row).to_contain_text(f"{id_number[:6]}********{id_number[-4:]}")
    expect(row).not_to_contain_text(id_number)
    expect(row.locator("[data-test=score-T01]")).to_have_text("86")
    expect(row.locator("[data-test=score-P01]")).to_have_class(re.compile(r"\bfail\b"))
    expect(row.locator("[data-test=result]")).to_have_text("成绩公示中")
    screens.check(page, "institution-scores-publicity")

    # Publicity ends with no objection open: the scores lock (the job, or the organisation
    # as soon as scoring has the new windows) and the results are determined.
    move_windows(api, org, plan_id, "locked")

    def locked() -> bool:
        sheet = api.get(f"/api/v1/scoring/plans/{plan_id}", headers=org).json()
        if sheet["status"] == "locked":
            return True
        api.post(f"/api/v1/scoring/plans/{plan_id}/lock", headers=org)
        return False

    wait_for(locked, "the scores locked")
    page.reload()
    expect(page.locator("[data-test=sheet-status]")).to_contain_text("已永久锁定")
    expect(row.locator("[data-test=result]")).to_have_text("不合格")
