"""Helpers of the browser tests: the platform, screenshots with the accessibility check, pages."""

from __future__ import annotations

import json
import socket
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from playwright.sync_api import Browser, Page

ROOT = Path(__file__).resolve().parents[2]
WEB_DIST = ROOT / "web" / "dist"
AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "var" / "web-screenshots"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Platform:
    base_url: str
    staff_password: str
    data_dir: Path

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.base_url, timeout=30)


@dataclass
class Screens:
    """Screenshots and accessibility checks, one per screen and viewport."""

    taken: list[str] = field(default_factory=list)

    def check(self, page: Page, name: str) -> None:
        page.wait_for_load_state("networkidle")
        assert_no_csp_violations(page, name)
        # Animations (Element Plus's transitions) end before the picture and the contrast check.
        page.wait_for_timeout(400)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)
        self.taken.append(name)
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            # Through DevTools, not a <script> tag: the page's CSP refuses inline scripts.
            page.evaluate(AXE.read_text())
        violations = page.evaluate(
            """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => ({id: v.id, impact: v.impact, help: v.help,
                            nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))"""
        )
        assert violations == [], f"{name}: " + json.dumps(violations, ensure_ascii=False, indent=1)


PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 800}


# Every page records what the content security policy blocked (the gateway's CSP, docs/
# security.md); Screens.check fails on any, so each screen shows the app works under it.
CSP_RECORDER = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push({directive: e.violatedDirective, blocked: e.blockedURI,
                               source: `${e.sourceFile}:${e.lineNumber}`});
});
"""


def assert_no_csp_violations(page: Page, where: str) -> None:
    violations = page.evaluate("() => window.__cspViolations || []")
    assert violations == [], f"{where}: CSP violations " + json.dumps(violations, indent=1)


def new_page(browser: Browser, platform: Platform, viewport: dict[str, int]) -> Page:
    context = browser.new_context(
        base_url=platform.base_url, viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai"
    )
    context.set_default_timeout(20_000)
    context.add_init_script(CSP_RECORDER)
    return context.new_page()
