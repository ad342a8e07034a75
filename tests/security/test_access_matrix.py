"""The authorisation matrix over a running platform (embedded mode, as `make run` starts it):
every operation of the gateway's merged OpenAPI, with no token and with a token of every role,
answers what its declared `x-access-policy` says (docs/security.md, "Access rules")."""

from __future__ import annotations

import asyncio
import socket
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import uvicorn

from skillcert.access import Policy
from skillcert.auth import Principal, Role, SigningKey, TokenIssuer
from skillcert.errors import PROBLEM_MEDIA_TYPE
from skillcert_devtools.access_matrix import (
    SECURITY_DOC,
    Operation,
    merged_openapi,
    operations,
    render,
)
from skillcert_devtools.run import create_dev_app
from skillcert_embedded.app import EmbeddedConfig
from skillcert_embedded.demo import DEMO_INSTITUTION, DEMO_ORG

#: The organisation each role's token names: the demo data's own.
ORGS: dict[Role, str | None] = {
    Role.CANDIDATE: None,
    Role.REVIEWER: DEMO_ORG,
    Role.ORG_ADMIN: DEMO_ORG,
    Role.INSTITUTION_ADMIN: DEMO_INSTITUTION,
    Role.INSTITUTION_HEAD: DEMO_INSTITUTION,
    Role.PROVINCE_ADMIN: "PROV-GX",
    Role.CITY_REVIEWER: "CITY-450200",
    Role.OPS: None,
}
#: Requests in flight at once: the platform is one process on SQLite.
CONCURRENCY = 6


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Platform:
    client: httpx.AsyncClient
    issuer: TokenIssuer
    openapi: dict[str, Any]

    def headers(self, role: Role) -> dict[str, str]:
        principal = Principal(
            account_id=uuid.uuid4(), role=role, name=f"matrix-{role}", org_id=ORGS[role]
        )
        return {"Authorization": f"Bearer {self.issuer.issue(principal)}"}


@pytest.fixture(scope="module")
async def platform(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Platform]:
    data_dir = tmp_path_factory.mktemp("embedded")
    config = EmbeddedConfig(data_dir=data_dir, port=free_port(), demo_password="Matrix-Staff-2026")
    app = create_dev_app(config)
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=config.port, log_config=None, lifespan="on")
    )
    task = asyncio.create_task(server.serve())
    try:
        while not server.started:
            assert not task.done(), "embedded server failed to start"
            await asyncio.sleep(0.05)
        key = SigningKey.from_pem((data_dir / "jwt-signing-key.pem").read_bytes(), "embedded")
        issuer = TokenIssuer(key, "skillcert-gateway", "skillcert")
        async with httpx.AsyncClient(base_url=config.base_url, timeout=60) as client:
            document = (await client.get("/api/v1/openapi.json")).json()
            assert document["x-unavailable-services"] == []
            yield Platform(client, issuer, document)
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 30)


def concrete_path(op: Operation) -> str:
    """The path with every parameter filled: a fresh UUID where it is one (nothing has it), a
    plausible code elsewhere."""
    path = op.path
    for parameter in op.document.get("parameters", []):
        if parameter.get("in") != "path":
            continue
        schema = parameter.get("schema", {})
        value = str(uuid.uuid4()) if schema.get("format") == "uuid" else "X1"
        path = path.replace("{" + parameter["name"] + "}", value)
    return path


async def call(platform: Platform, op: Operation, headers: dict[str, str]) -> httpx.Response:
    body: dict[str, Any] = {"json": {}} if op.method in ("post", "put", "patch") else {}
    return await platform.client.request(
        op.method.upper(), concrete_path(op), headers=headers, **body
    )


def expectation(policy: Policy, role: Role | None, response: httpx.Response) -> str | None:
    """What is wrong with `response` for a caller of `role` (None: no token), or None."""
    status = response.status_code
    content_type = response.headers.get("content-type", "")
    if policy.public:
        # A public operation may still refuse a request it cannot authenticate otherwise (the
        # payment webhook's signature: 401), but never asks for a login.
        asks_login = "bearer" in response.headers.get("www-authenticate", "").lower()
        return f"public, answered {status}" if status == 403 or asks_login else None
    if role is None:
        return None if status == 401 else f"no token answered {status}, not 401"
    if role in policy.roles:
        return f"{role} admitted, answered {status}" if status in (401, 403) else None
    if status != 403:
        return f"{role} not admitted, answered {status}, not 403"
    if not content_type.startswith(PROBLEM_MEDIA_TYPE):
        return f"{role} not admitted: 403 as {content_type}, not problem+json"
    return None


async def test_every_operation_declares_a_policy(platform: Platform):
    ops = list(operations(platform.openapi))
    assert len(ops) > 150, "the merged document is missing services"
    missing = [op.label for op in ops if op.policy is None]
    assert not missing, "operations without x-access-policy (skillcert.access):\n" + "\n".join(
        missing
    )
    # A public operation asks for no token in the document; a secured one for a bearer token.
    wrong = [
        op.label
        for op in ops
        if op.policy is not None and op.policy.public == bool(op.document.get("security"))
    ]
    assert not wrong, "public() on a route that wants a login, or the reverse:\n" + "\n".join(wrong)


async def test_every_operation_answers_every_role_as_its_policy_says(platform: Platform):
    semaphore = asyncio.Semaphore(CONCURRENCY)
    findings: list[str] = []
    cases = [
        (op, role)
        for op in operations(platform.openapi)
        if op.policy is not None
        for role in ([None] if op.policy.public else [None, *Role])
    ]

    async def check(op: Operation, role: Role | None) -> None:
        policy = op.policy
        assert policy is not None
        async with semaphore:
            response = await call(platform, op, platform.headers(role) if role else {})
        problem = expectation(policy, role, response)
        if problem:
            findings.append(f"{op.label}: {problem}: {response.text[:200]}")

    await asyncio.gather(*(check(op, role) for op, role in cases))
    assert len(cases) > 1200
    assert not findings, f"{len(findings)} of {len(cases)} calls:\n" + "\n".join(sorted(findings))


def test_the_matrix_in_docs_security_is_current():
    current = SECURITY_DOC.read_text(encoding="utf-8")
    assert render(current, merged_openapi()) == current, (
        "docs/security.md's access matrix is stale: "
        "uv run --frozen python -m skillcert_devtools.access_matrix"
    )
