"""The authorisation matrix: every operation of the merged OpenAPI with its declared access
policy (`x-access-policy`, skillcert.access), as the table in docs/security.md.

    uv run --frozen python -m skillcert_devtools.access_matrix          # rewrite the table
    uv run --frozen python -m skillcert_devtools.access_matrix --check  # exit 1 when stale

The document is the one the gateway serves at /api/v1/openapi.json, merged here from the apps
as embedded mode builds them (no server, no database): `tests/security` checks the table is
current and walks the same operations against a running platform.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from skillcert.access import OWNER_LABELS, Policy, policy_of
from skillcert.auth import Role

ROOT = Path(__file__).resolve().parents[5]
SECURITY_DOC = ROOT / "docs/security.md"
START = "<!-- access-matrix:start (generated: python -m skillcert_devtools.access_matrix) -->"
END = "<!-- access-matrix:end -->"
METHODS = ("get", "put", "post", "delete", "patch")

#: Column headings of the table, one per role.
ROLE_HEADINGS = {
    Role.CANDIDATE: "考生",
    Role.REVIEWER: "审核员",
    Role.ORG_ADMIN: "组织",
    Role.INSTITUTION_ADMIN: "院校管理员",
    Role.INSTITUTION_HEAD: "院校负责人",
    Role.PROVINCE_ADMIN: "省级",
    Role.CITY_REVIEWER: "地市",
    Role.INVIGILATOR: "监考",
    Role.INSPECTOR: "巡考",
    Role.OPS: "运维",
}


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    document: dict[str, Any]

    @property
    def policy(self) -> Policy | None:
        return policy_of(self.document)

    @property
    def label(self) -> str:
        return f"{self.method.upper()} {self.path}"


def operations(document: dict[str, Any]) -> Iterator[Operation]:
    for path, item in sorted(document.get("paths", {}).items()):
        for method in METHODS:
            if method in item:
                yield Operation(method, path, item[method])


def merged_openapi() -> dict[str, Any]:
    """The gateway's merged document over the apps embedded mode builds."""
    from gateway.routing.rules import merge_openapi
    from skillcert_devtools.run import create_dev_app
    from skillcert_embedded.app import EmbeddedConfig

    with tempfile.TemporaryDirectory() as data_dir:
        app = create_dev_app(EmbeddedConfig(data_dir=Path(data_dir), demo_password="unused-1"))
        services = {name: a.openapi() for name, a in app.state.service_apps.items()}
        return merge_openapi(app.state.gateway.openapi(), services)


def table(document: dict[str, Any]) -> str:
    roles = list(Role)
    head = "| 操作 | " + " | ".join(ROLE_HEADINGS[r] for r in roles) + " | 说明 |"
    lines = [head, "|" + "---|" * (len(roles) + 2)]
    for op in operations(document):
        policy = op.policy
        if policy is None:
            cells = ["**无策略**"] * len(roles)
            note = ""
        elif policy.public:
            cells = ["公开"] * len(roles)
            note = policy.note
        else:
            cells = [OWNER_LABELS[policy.roles[r]] if r in policy.roles else "—" for r in roles]
            note = policy.note
        lines.append(f"| `{op.label}` | " + " | ".join(cells) + f" | {note} |")
    return "\n".join(lines) + "\n"


def render(doc_text: str, document: dict[str, Any]) -> str:
    before, sep, rest = doc_text.partition(START)
    if not sep:
        raise SystemExit(f"{SECURITY_DOC} has no {START!r} marker")
    _, sep, after = rest.partition(END)
    if not sep:
        raise SystemExit(f"{SECURITY_DOC} has no {END!r} marker")
    return f"{before}{START}\n{table(document)}{END}{after}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the table is stale")
    args = parser.parse_args()
    current = SECURITY_DOC.read_text(encoding="utf-8")
    wanted = render(current, merged_openapi())
    if args.check:
        if wanted != current:
            print(
                "docs/security.md: the access matrix is stale; run "
                "`uv run --frozen python -m skillcert_devtools.access_matrix`"
            )
            sys.exit(1)
        return
    SECURITY_DOC.write_text(wanted, encoding="utf-8")


if __name__ == "__main__":
    main()
