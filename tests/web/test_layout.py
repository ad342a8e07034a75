"""The header's menu shows every area a role has on a desktop screen: an institution admin
has the most, and none of them may sit past the edge of the header, out of sight."""

from __future__ import annotations

from browser import Platform, Screens
from playwright.sync_api import Browser
from staff import sign_in


class TestMenu:
    def test_every_area_of_an_institution_admin_is_in_sight_at_1280_px(
        self, browser: Browser, platform: Platform, screens: Screens
    ):
        page = sign_in(browser, platform, "inst.admin")
        items = page.locator("header nav .el-menu-item")
        count = items.count()
        assert count >= 8, count
        nav = page.locator("header nav").bounding_box()
        assert nav is not None
        for index in range(count):
            box = items.nth(index).bounding_box()
            assert box is not None
            assert box["x"] >= nav["x"] - 1, (index, box, nav)
            assert box["x"] + box["width"] <= nav["x"] + nav["width"] + 1, (
                items.nth(index).inner_text(),
                box,
                nav,
            )
        # Nothing scrolls sideways: what is in the header's box is what a person sees.
        widths = page.evaluate(
            "() => { const nav = document.querySelector('header nav');"
            " return [nav.scrollWidth, nav.clientWidth] }"
        )
        assert widths[0] <= widths[1], widths
        screens.check(page, "menu-institution-admin-1280")
