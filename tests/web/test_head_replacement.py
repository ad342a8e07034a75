"""更换负责人 in the browser: the province admin picks a signed-up institution of its directory,
replaces its head (name, phone, reason) and sees the replacement in the history; the old head
can no longer sign in nor refresh its session, and the new head signs in with the login name
and the password the SMS brought."""

import time

from browser import Platform, Screens
from playwright.sync_api import Browser, expect
from staff import sign_in
from test_institution import signed_up_head

CODE, INSTITUTION = "5145010101", "广西机电技师学院"  # 南宁市, in province.admin's 广西
NEW_PHONE = "13700005002"


def credentials(platform: Platform, phone: str) -> str:
    """The first password the credentials SMS to `phone` carried (development SMS outbox)."""
    with platform.client() as client:
        token = client.post(
            "/api/v1/gateway/sessions", json={"login": "ops", "password": platform.staff_password}
        ).json()["access_token"]
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            messages = client.get(
                "/api/v1/notification/dev/sms",
                params={"phone": phone},
                headers={"Authorization": f"Bearer {token}"},
            ).json()
            sent = [m["body"] for m in messages if m["template_code"] == "account_credentials"]
            if sent:
                return str(sent[-1].split("初始密码：")[1].split("，")[0])
            time.sleep(0.3)
    raise AssertionError(f"no credentials SMS to {phone}")


class TestHeadReplacement:
    def test_the_province_replaces_a_head(
        self, browser: Browser, platform: Platform, screens: Screens
    ):
        username, old_password = signed_up_head(platform, "13700005001", CODE, INSTITUTION)
        with platform.client() as client:
            old = client.post(
                "/api/v1/gateway/sessions", json={"login": username, "password": old_password}
            )
            assert old.status_code == 200, old.text
            old_refresh = old.json()["refresh_token"]

        page = sign_in(browser, platform, "province.admin")
        page.locator("[data-test=name-filter]").fill(INSTITUTION)
        page.locator("[data-test=name-filter]").press("Enter")
        row = page.locator("[data-test=directory] .el-table__row", has_text=INSTITUTION)
        row.locator("[data-test=replace-head]").click()
        drawer = page.locator("[data-test=head-replacement]")
        expect(drawer).to_contain_text("暂无更换记录")
        expect(drawer).to_contain_text(f"i{CODE}")

        # a bad phone is the server's field error, in Chinese, and nothing is replaced
        page.locator("[data-test=head-name]").fill("覃新")
        page.locator("[data-test=head-phone]").fill("12345")
        page.locator("[data-test=head-reason]").fill("原负责人退休")
        page.locator("[data-test=head-replace]").click()
        field = page.locator(".el-form-item", has=page.locator("[data-test=head-phone]"))
        expect(field.locator(".el-form-item__error")).to_be_visible()
        expect(drawer).to_contain_text("暂无更换记录")

        page.locator("[data-test=head-phone]").fill(NEW_PHONE)
        page.locator("[data-test=head-replace]").click()
        history = page.locator("[data-test=head-history]")
        expect(history).to_contain_text("覃新")
        expect(history).to_contain_text("137****5002")
        expect(history).to_contain_text("原负责人退休")
        screens.check(page, "province-head-replacement-1280")

        new_password = credentials(platform, NEW_PHONE)
        with platform.client() as client:
            deadline = time.monotonic() + 30
            while True:  # the gateway makes the new account from the event
                response = client.post(
                    "/api/v1/gateway/sessions",
                    json={"login": username, "password": new_password},
                )
                if response.status_code == 200 or time.monotonic() > deadline:
                    break
                time.sleep(0.3)
            assert response.status_code == 200, response.text
            assert response.json()["role"] == "institution_head"
            refused = client.post(
                "/api/v1/gateway/sessions", json={"login": username, "password": old_password}
            )
            assert refused.status_code == 401
            assert "账号或密码错误" in refused.text
            stale = client.post(
                "/api/v1/gateway/sessions/refresh", json={"refresh_token": old_refresh}
            )
            assert stale.status_code == 401
