"""The web app (web/dist, built by `make run` or the image's node stage) at /, with the SPA's
history fallback: a path that is not a file of the build gets index.html and the app's router
takes over. Without a build, / is the start page with the API links. No database: a plain
router, registered after every other one so API paths keep their own 404s."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse

from gateway.context import context
from skillcert.errors import NotFound

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
# Paths the app never owns: a miss there is the API's 404, not the app's page.
RESERVED_PREFIXES = ("api/", "_objects/", ".well-known/", "docs")

router = APIRouter()


def _web_dir(request: Request) -> Path:
    settings = context(request).settings
    return settings.web_dir


def _file_in(root: Path, path: str) -> Path | None:
    """`path` inside `root` when it names a file there (never outside it)."""
    if not path:
        return None
    candidate = (root / path).resolve()
    if candidate.is_file() and candidate.is_relative_to(root.resolve()):
        return candidate
    return None


def _index(root: Path) -> FileResponse:
    built = root / "index.html"
    page = built if built.is_file() else STATIC_DIR / "index.html"
    # The page names the hashed assets of the current build: never served from a cache.
    return FileResponse(
        page, media_type="text/html; charset=utf-8", headers={"Cache-Control": "no-cache"}
    )


@router.get("/", include_in_schema=False)
async def index(request: Request) -> FileResponse:
    return _index(_web_dir(request))


@router.api_route("/{path:path}", methods=["GET", "HEAD"], include_in_schema=False)
async def app_file(path: str, request: Request) -> FileResponse:
    root = _web_dir(request)
    if (found := _file_in(root, path)) is not None:
        # Vite puts a content hash in every asset's name: a name never changes its content.
        immutable = path.startswith("assets/")
        cache = "public, max-age=31536000, immutable" if immutable else "no-cache"
        return FileResponse(found, headers={"Cache-Control": cache})
    if path.startswith(RESERVED_PREFIXES) or not (root / "index.html").is_file():
        raise NotFound("请求的资源不存在")
    return _index(root)
