"""Browser tests of the web app: Debian's Chromium driven by Playwright (the Python package; its
own browser downloads are never used), against the platform started as `make run` starts it —
`python -m skillcert_devtools.run` on a free port with a fresh data folder — serving web/dist.

Every screen visited goes through `Screens.check`: a screenshot under var/web-screenshots/ (test
artefacts, not committed) and an axe-core run that must find no serious or critical violation.
A missing build or browser fails the run; nothing here skips."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import AXE, DESKTOP, PHONE, ROOT, WEB_DIST, Platform, Screens, free_port
from playwright.sync_api import Browser, sync_playwright

# journey.py (the API-side steps and test data) is a plain module beside the journey tests.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "journey"))


@pytest.fixture(scope="session")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    if not (WEB_DIST / "index.html").is_file():
        pytest.fail("web/dist is missing: build the web app first (web/scripts/build.sh)")
    data_dir = tmp_path_factory.mktemp("embedded")
    port = free_port()
    log = (data_dir / "server.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "skillcert_devtools.run",
            "--data-dir",
            str(data_dir),
            "--port",
            str(port),
        ],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        # scoring's automatic lock looks only at start: the screens lock by hand once 公示 is
        # over, and a pass between two clicks would take the button away.
        # The tests act as the proxy in front of the gateway: a test that floods one endpoint
        # names made-up client addresses (X-Forwarded-For) so the browser's budget is untouched.
        env={
            **os.environ,
            "PYTHONUNBUFFERED": "1",
            "SCORING_LOCK_INTERVAL_S": "86400",
            "GATEWAY_TRUSTED_PROXIES": '["127.0.0.1/32"]',
        },
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            # The runner prints this line once the demo data exists.
            if "skillcert is running on" in (data_dir / "server.log").read_text():
                break
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("the platform did not start:\n" + (data_dir / "server.log").read_text())
            time.sleep(0.3)
        password = (data_dir / "demo-password").read_text().strip()
        yield Platform(base_url, password, data_dir)
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.fail("Debian's chromium is missing: apt-get install -y chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def screens() -> Screens:
    if not AXE.is_file():
        pytest.fail("axe-core is missing: npm ci in web/")
    return Screens()


@pytest.fixture(params=[PHONE, DESKTOP], ids=["375px", "desktop"])
def viewport(request: pytest.FixtureRequest) -> dict[str, int]:
    value: dict[str, int] = request.param
    return value
