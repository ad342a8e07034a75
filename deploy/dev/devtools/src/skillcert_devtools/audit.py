"""Known vulnerabilities in what we ship: the Python lock (uv's own `uv audit`, against OSV)
without the dev group, and the web app's npm lock without dev dependencies (`npm audit
--omit=dev`). `deploy/dev/test.sh` runs it as the step "audit: dependencies".

    uv run --frozen python -m skillcert_devtools.audit

Exit status (docs/security.md, "Dependency audit"):
  0  no finding
  1  a finding that must be dealt with: every Python finding not listed in
     deploy/dev/audit-ignore.txt (a listed one stays quiet only while no fixed release exists:
     `uv audit --ignore-until-fixed`), and every npm finding with a fix available. npm
     findings without a fix are printed, not failed.
  3  the audit could not run (no network, the advisory service refused): reported loudly and
     never passed as clean.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[5]
IGNORE_FILE = ROOT / "deploy/dev/audit-ignore.txt"

CLEAN, FINDINGS, NOT_RUN = 0, 1, 3


def accepted_ids(text: str) -> list[str]:
    """The IDs in audit-ignore.txt: the first word of each line that is not a comment."""
    return [
        line.split()[0] for line in text.splitlines() if line.strip() and not line.startswith("#")
    ]


def _parse(stdout: str) -> dict[str, Any] | None:
    try:
        report = json.loads(stdout)
    except ValueError:
        return None
    return report if isinstance(report, dict) else None


def judge_python(stdout: str, stderr: str) -> tuple[int, list[str]]:
    report = _parse(stdout)
    if report is None or "vulnerabilities" not in report:
        return NOT_RUN, ["AUDIT NOT RUN (Python): " + _last_words(stderr)]
    lines = []
    for finding in report["vulnerabilities"]:
        dependency = finding.get("dependency", {})
        fixed = finding.get("fix_versions") or finding.get("fixed_versions") or "no release yet"
        ident = finding.get("display_id") or finding.get("id")
        lines.append(
            f"  {dependency.get('name')} {dependency.get('version')}: {ident}, fixed in {fixed}"
        )
    lines.append(f"  {len(report['vulnerabilities'])} finding(s)")
    return (FINDINGS if report["vulnerabilities"] else CLEAN), lines


def judge_web(stdout: str, stderr: str) -> tuple[int, list[str]]:
    report = _parse(stdout) or {}
    if "vulnerabilities" not in report:
        reason = str(report.get("message") or _last_words(stderr))
        return NOT_RUN, [f"AUDIT NOT RUN (web): {reason}"]
    lines, fixable = [], 0
    for name, finding in sorted(report["vulnerabilities"].items()):
        fix = finding.get("fixAvailable")
        fixable += bool(fix)
        state = "fix available" if fix else "no fix yet (reported, not failing)"
        lines.append(f"  {name} ({finding.get('severity')}): {state}")
    lines.append(f"  {len(report['vulnerabilities'])} finding(s), {fixable} with a fix")
    return (FINDINGS if fixable else CLEAN), lines


def combined(*statuses: int) -> int:
    """A finding outranks a step that could not run; both outrank clean."""
    if FINDINGS in statuses:
        return FINDINGS
    return NOT_RUN if NOT_RUN in statuses else CLEAN


def _last_words(stderr: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    errors = [line for line in lines if not line.startswith("warning:")]
    return " | ".join(errors or lines)[-600:] or "no output"


def _run(command: list[str], cwd: Path) -> tuple[str, str]:
    try:
        done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=300)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return "", f"{command[0]}: {exc}"
    return done.stdout, done.stderr


def main() -> int:
    ignores = [
        arg
        for ident in accepted_ids(IGNORE_FILE.read_text())
        for arg in ("--ignore-until-fixed", ident)
    ]
    print("--- Python (uv.lock, without the dev group): uv audit")
    python_status, lines = judge_python(
        *_run(
            [
                "uv",
                "audit",
                "--frozen",
                "--no-dev",
                "--preview-features",
                "audit-command,json-output",
                "--output-format",
                "json",
                *ignores,
            ],
            ROOT,
        )
    )
    print("\n".join(lines))
    print("--- web (web/package-lock.json, without dev dependencies): npm audit --omit=dev")
    web_status, lines = judge_web(*_run(["npm", "audit", "--omit=dev", "--json"], ROOT / "web"))
    print("\n".join(lines))
    return combined(python_status, web_status)


if __name__ == "__main__":
    sys.exit(main())
