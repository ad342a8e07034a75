"""GET / and every other path outside the API: the built web app with its history fallback."""

from pathlib import Path

import pytest

from skillcert.testing import ServiceHarness, assert_problem
from tests.helpers import client

INDEX = '<!doctype html><div id="app"></div><script src="/assets/index-abc123.js"></script>'


@pytest.fixture
def built(harness: ServiceHarness, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text(INDEX)
    (tmp_path / "assets" / "index-abc123.js").write_text("console.log(1)")
    (tmp_path / "favicon.svg").write_text("<svg/>")
    (tmp_path.parent / "secret.txt").write_text("outside")
    monkeypatch.setattr(harness.ctx.settings, "web_dir", tmp_path)
    return tmp_path


@pytest.fixture
def not_built(harness: ServiceHarness, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(harness.ctx.settings, "web_dir", tmp_path / "missing")


class TestWebApp:
    async def test_root_serves_the_built_app_uncached(self, harness: ServiceHarness, built: Path):
        response = await client(harness).get("/")
        assert response.status_code == 200
        assert response.text == INDEX
        assert response.headers["content-type"].startswith("text/html")
        assert response.headers["cache-control"] == "no-cache"

    async def test_hashed_assets_are_cached_for_good(self, harness: ServiceHarness, built: Path):
        response = await client(harness).get("/assets/index-abc123.js")
        assert response.status_code == 200
        assert response.text == "console.log(1)"
        assert "immutable" in response.headers["cache-control"]

    async def test_other_files_of_the_build_are_served(self, harness: ServiceHarness, built: Path):
        response = await client(harness).get("/favicon.svg")
        assert response.status_code == 200
        assert response.text == "<svg/>"

    @pytest.mark.parametrize("path", ["/candidate/wizard/123", "/verify?number=A1", "/login"])
    async def test_app_routes_fall_back_to_the_index(
        self, harness: ServiceHarness, built: Path, path: str
    ):
        response = await client(harness).get(path)
        assert response.status_code == 200
        assert response.text == INDEX

    async def test_api_paths_keep_their_problem_404(self, harness: ServiceHarness, built: Path):
        response = await client(harness).get("/api/v1/nowhere")
        assert_problem(response, 404)

    async def test_paths_never_leave_the_build(self, harness: ServiceHarness, built: Path):
        response = await client(harness).get("/assets/../../secret.txt")
        assert "outside" not in response.text
        response = await client(harness).get("/%2e%2e/secret.txt")
        assert "outside" not in response.text


class TestWithoutBuild:
    async def test_root_is_the_start_page_with_api_links(
        self, harness: ServiceHarness, not_built: None
    ):
        response = await client(harness).get("/")
        assert response.status_code == 200
        assert 'href="/docs"' in response.text

    async def test_app_routes_are_not_found(self, harness: ServiceHarness, not_built: None):
        response = await client(harness).get("/candidate/plans")
        assert response.status_code == 404
        assert response.json()["title"]
