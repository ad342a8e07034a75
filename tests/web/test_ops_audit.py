"""审计记录 in the browser: a staff account ops made is on the trail; ops filter by kind and
action prefix; a malformed filter is shown at its field; nobody but ops opens the page."""

import random
import re

from browser import Platform, Screens
from playwright.sync_api import Browser, expect
from staff import choose, sign_in
from test_staff_journey import wait_for


def test_ops_find_a_staff_account_they_made_on_the_trail(
    browser: Browser, platform: Platform, screens: Screens
):
    username = f"audit.{random.randint(10_000, 99_999)}"
    with platform.client() as api:
        session = api.post(
            "/api/v1/gateway/sessions", json={"login": "ops", "password": platform.staff_password}
        )
        ops = {"Authorization": f"Bearer {session.json()['access_token']}"}
        made = api.post(
            "/api/v1/gateway/staff",
            json={
                "username": username,
                "name": "审计测试",
                "role": "reviewer",
                "org_id": "ORG-DEMO",
                "password": "Staff2025x",
            },
            headers=ops,
        )
        assert made.status_code == 201, made.text
        account_id = made.json()["account_id"]

        def on_the_trail() -> bool:
            found = api.get("/api/v1/gateway/ops/audit", params={"action": "gateway."}, headers=ops)
            return any(i["subject_id"] == account_id for i in found.json()["items"])

        wait_for(on_the_trail, "the staff account's audit entry")

    page = sign_in(browser, platform, "ops")
    page.goto("/ops/audit")
    rows = page.locator("[data-test=audit-entries] .el-table__row")
    row = rows.filter(has_text=account_id)
    expect(row).to_contain_text("gateway.staff_account.created")
    expect(row).to_contain_text("配置变更")
    expect(row).to_contain_text(username)

    choose(page, "audit-kind", "配置变更")
    page.locator("[data-test=audit-action]").fill("gateway.staff_account")
    page.locator("[data-test=audit-search]").click()
    expect(row).to_have_count(1)
    expect(rows.filter(has_not_text="gateway.staff_account.created")).to_have_count(0)
    screens.check(page, "ops-audit")

    page.locator("[data-test=audit-action]").fill("review.case.viewed")
    page.locator("[data-test=audit-search]").click()
    expect(row).to_have_count(0)

    page.locator("[data-test=audit-actor]").fill("not-an-id")
    page.locator("[data-test=audit-search]").click()
    actor = page.locator(".el-form-item", has=page.locator("[data-test=audit-actor]"))
    expect(actor.locator(".el-form-item__error")).to_be_visible()
    expect(actor.locator(".el-form-item__error")).to_contain_text(re.compile(r"[\u4e00-\u9fff]"))


def test_other_staff_cannot_open_the_trail(browser: Browser, platform: Platform):
    page = sign_in(browser, platform, "org.admin")
    page.goto("/ops/audit")
    expect(page).to_have_url(f"{platform.base_url}/forbidden")
