"""The production image holds no development tool: the WeChat Pay simulator (and `make run`)
live in `skillcert_devtools`, which nothing in the distribution imports, which the lock keeps in
the dev group, and which deploy/Dockerfile neither copies nor installs."""

import ast
import os
import re
import shutil
import subprocess
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
DEVTOOLS = "skillcert_devtools"


def _copied_sources() -> list[str]:
    """The paths deploy/Dockerfile copies into the image (COPY <src>... <dest>) from this
    checkout: the final stage's, not those of build stages or copied from them."""
    sources: list[str] = []
    for line in (ROOT / "deploy" / "Dockerfile").read_text().splitlines():
        words = line.split()
        if words[:1] == ["FROM"]:
            sources = []
        elif words[:1] == ["COPY"] and not any(w.startswith("--from") for w in words):
            sources += [w for w in words[1:-1] if not w.startswith("--")]
    return sources


def _distribution_sources() -> list[Path]:
    roots = [ROOT / "shared" / "src", ROOT / "deploy" / "embedded" / "src"]
    roots += sorted((ROOT / "services").glob("*/src"))
    return [path for root in roots for path in root.rglob("*.py")]


def test_nothing_in_the_distribution_imports_the_dev_tools():
    offenders = []
    for path in _distribution_sources():
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(name.split(".")[0] == DEVTOOLS for name in names):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


def test_the_dockerfile_copies_no_dev_tools_and_installs_without_the_dev_group():
    sources = _copied_sources()
    assert sources, "no COPY line found in deploy/Dockerfile"
    assert not [s for s in sources if s.startswith("deploy/dev") or s in {".", "deploy"}]
    assert re.search(r"uv sync [^\n]*--no-dev", (ROOT / "deploy" / "Dockerfile").read_text())


def test_the_image_installs_and_cannot_import_the_simulator(tmp_path: Path):
    """Build the image's file tree as the Dockerfile does and install it the same way."""
    uv = shutil.which("uv")
    assert uv is not None, "uv is on PATH in `make test`"
    image = tmp_path / "app"
    image.mkdir()
    for source in _copied_sources():
        origin = ROOT / source
        target = image / source
        target.parent.mkdir(parents=True, exist_ok=True)
        if origin.is_dir():
            shutil.copytree(
                origin, target, ignore=shutil.ignore_patterns("__pycache__", ".venv", "tests")
            )
        else:
            shutil.copy2(origin, target)
    # This run's own environment would point uv at the workspace's .venv.
    env = {
        k: v for k, v in os.environ.items() if k not in {"VIRTUAL_ENV", "UV_PROJECT_ENVIRONMENT"}
    }
    installed = subprocess.run(
        [uv, "sync", "--frozen", "--no-dev", "--offline", "--quiet"],
        cwd=image,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert installed.returncode == 0, installed.stderr
    python = image / ".venv" / "bin" / "python"
    probe = (
        "import importlib.util, payment.main, skillcert_embedded.app\n"
        f"print(importlib.util.find_spec({DEVTOOLS!r}) is None)\n"
    )
    result = subprocess.run(
        [str(python), "-c", probe], cwd=image, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


def test_compose_runs_every_service_in_the_production_profile():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    platform = {
        name: service
        for name, service in compose["services"].items()
        if service.get("image", "").startswith("skillcert")
    }
    assert {"gateway", "payment", "notification", "migrate"} <= set(platform)
    for name, service in platform.items():
        assert service["environment"]["SKILLCERT_PROFILE"] == "prod", name
        assert DEVTOOLS not in str(service.get("command", "")), name
    # Secrets without defaults: compose refuses to start rather than run with a dev key.
    gateway = platform["gateway"]["environment"]
    # Objects encrypted at rest by MinIO, with its KMS key required.
    assert platform["gateway"]["environment"]["SKILLCERT_S3_SSE"] == "true"
    minio = compose["services"]["minio"]["environment"]["MINIO_KMS_SECRET_KEY"]
    assert minio.startswith("${MINIO_KMS_SECRET_KEY:?")
    assert (
        "mc encrypt set sse-s3 local/skillcert" in compose["services"]["minio-setup"]["entrypoint"]
    )
    for name in ("SKILLCERT_PII_KEYS", "SKILLCERT_PII_KEY_ID", "SKILLCERT_PII_INDEX_KEY"):
        for service in ("gateway", "registration", "migrate"):
            assert platform[service]["environment"][name].startswith(f"${{{name}:?"), name
    assert gateway["GATEWAY_SMS_CODE_SECRET"].startswith("${GATEWAY_SMS_CODE_SECRET:?")
    assert platform["payment"]["environment"]["PAYMENT_API_V3_KEY"].startswith(
        "${PAYMENT_API_V3_KEY:?"
    )
    # SMS really goes out in production: a provider is named, never the development sender.
    assert platform["notification"]["environment"]["NOTIFICATION_SMS_PROVIDER"].startswith(
        "${NOTIFICATION_SMS_PROVIDER:?"
    )
