"""The authorisation matrix over a running platform (embedded mode, as `make run` starts it):
every operation of the gateway's merged OpenAPI, with no token and with a token of every role,
answers what its declared `x-access-policy` says (docs/security.md, "Access rules")."""

from __future__ import annotations

import asyncio
import socket
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import uvicorn

from skillcert.access import Owner, Policy
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
from skillcert_embedded.demo import (
    DEMO_INSTITUTION,
    DEMO_ORG,
    PILOT_INSTITUTION,
    PILOT_PROVINCE_ADMIN,
    STAFF,
    login,
    seed_demo,
)

#: The organisation each role's token names: the demo data's own.
ORGS: dict[Role, str | None] = {
    Role.CANDIDATE: None,
    Role.REVIEWER: DEMO_ORG,
    Role.ORG_ADMIN: DEMO_ORG,
    Role.INSTITUTION_ADMIN: DEMO_INSTITUTION,
    Role.INSTITUTION_HEAD: DEMO_INSTITUTION,
    Role.PROVINCE_ADMIN: "PROV-GX",
    Role.CITY_REVIEWER: "CITY-450200",
    Role.INVIGILATOR: DEMO_INSTITUTION,
    Role.INSPECTOR: DEMO_ORG,
    Role.OPS: None,
}
PASSWORD = "Matrix-Staff-2026"
#: Requests in flight at once: the platform is one process on SQLite.
CONCURRENCY = 6


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True)
class Owned:
    """A record of the demo data (or made for the walk) and whom it belongs to, per rule."""

    #: the path template (a prefix of the operations' paths) and its parameters' values
    template: str
    values: dict[str, str]
    owners: dict[Owner, str]
    #: whether every logged-in caller sees the record anyway (published plans, the directory)
    visible: bool = False


#: Another owner for every rule: an organisation, institution, province and city that own
#: nothing in the demo data (the provinces and the city are real ones, so the code under test
#: takes them for what they are).
OTHER_OWNER = {
    Owner.ORG: "ORG-OTHER",
    Owner.INSTITUTION: "4111014399",
    Owner.PROVINCE: "PROV-GD",
    Owner.CITY: "CITY-440100",
    Owner.OWN: str(uuid.UUID(int=7)),
}


@dataclass
class Platform:
    client: httpx.AsyncClient
    issuer: TokenIssuer
    openapi: dict[str, Any]
    owned: list[Owned] = field(default_factory=list)

    def headers(
        self, role: Role, org_id: str | None = None, account_id: uuid.UUID | None = None
    ) -> dict[str, str]:
        principal = Principal(
            account_id=account_id or uuid.uuid4(),
            role=role,
            name=f"matrix-{role}",
            org_id=org_id or ORGS[role],
        )
        return {"Authorization": f"Bearer {self.issuer.issue(principal)}"}

    def headers_of(self, role: Role, owner: Owner, who: str) -> dict[str, str]:
        """A token of `role` that is `who` by the rule `owner`."""
        if owner is Owner.OWN:
            return self.headers(role, account_id=uuid.UUID(who))
        return self.headers(role, org_id=who)


async def demo_records(platform: Platform) -> list[Owned]:
    """The demo data's records, found as their owners see them, plus a candidate's
    application made for the walk."""
    client = platform.client
    org = await login(client, STAFF["org_admin"], PASSWORD)
    institution = await login(client, STAFF["institution_admin"], PASSWORD)
    province_js = await login(client, PILOT_PROVINCE_ADMIN, PASSWORD)
    plan = (await client.get("/api/v1/exam-scheduling/plans", headers=org)).json()["items"][0]
    site = (await client.get("/api/v1/exam-scheduling/sites", headers=institution)).json()
    site = site["items"][0] if isinstance(site, dict) else site[0]
    rooms = await client.get(
        f"/api/v1/exam-scheduling/sites/{site['id']}/rooms", headers=institution
    )
    room = rooms.json()["plans"][0]["rooms"][0]
    pilot = await client.get("/api/v1/institution/pilot/applications", headers=province_js)
    pilot_items = pilot.json()
    pilot_application = pilot_items[0] if isinstance(pilot_items, list) else pilot_items["items"][0]
    pilot_plans = await client.get("/api/v1/institution/pilot/plans", headers=province_js)
    candidate = uuid.uuid4()
    application = await candidate_application(platform, candidate, plan["id"])
    demo_site = {Owner.ORG: DEMO_ORG, Owner.INSTITUTION: DEMO_INSTITUTION}
    pilot_owners = {
        Owner.INSTITUTION: PILOT_INSTITUTION["institution_code"],
        Owner.PROVINCE: "PROV-JS",
        Owner.CITY: f"CITY-{PILOT_INSTITUTION['city']}",
    }
    return [
        Owned(
            "/api/v1/exam-scheduling/plans/{plan_id}",
            {"plan_id": plan["id"]},
            demo_site,
            visible=True,
        ),
        Owned("/api/v1/scoring/plans/{plan_id}", {"plan_id": plan["id"]}, demo_site),
        Owned(
            "/api/v1/exam-scheduling/sites/{site_id}",
            {"site_id": site["id"], "room_id": room["id"]},
            demo_site,
        ),
        Owned("/api/v1/exam-scheduling/rooms/{room_id}", {"room_id": room["id"]}, demo_site),
        Owned(
            "/api/v1/institution/pilot/applications/{application_id}",
            {"application_id": pilot_application["id"]},
            pilot_owners,
        ),
        Owned(
            "/api/v1/institution/pilot/plans/{plan_id}",
            {"plan_id": pilot_plans.json()[0]["id"]},
            pilot_owners,
        ),
        Owned(
            "/api/v1/institution/directory/{code}",
            {"code": DEMO_INSTITUTION},
            {Owner.PROVINCE: "PROV-GX"},
            visible=True,
        ),
        Owned(
            "/api/v1/institution/institutions/{code}",
            {"code": DEMO_INSTITUTION},
            {Owner.PROVINCE: "PROV-GX"},
            visible=True,
        ),
        Owned(
            "/api/v1/registration/applications/{application_id}",
            {"application_id": application},
            {Owner.OWN: str(candidate)},
        ),
    ]


async def candidate_application(platform: Platform, candidate: uuid.UUID, plan_id: str) -> str:
    """A candidate's application to the demo plan (registration learns of the plan from
    exam-scheduling's event, so this waits for it)."""
    headers = platform.headers(Role.CANDIDATE, account_id=candidate)
    for _ in range(100):
        created = await platform.client.post(
            "/api/v1/registration/applications", json={"plan_id": plan_id}, headers=headers
        )
        if created.status_code == 201:
            return str(created.json()["id"])
        await asyncio.sleep(0.2)
    raise AssertionError(f"no application: {created.status_code} {created.text}")


@pytest.fixture(scope="module")
async def platform(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Platform]:
    data_dir = tmp_path_factory.mktemp("embedded")
    config = EmbeddedConfig(data_dir=data_dir, port=free_port(), demo_password=PASSWORD)
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
        await seed_demo(config.base_url, PASSWORD)
        async with httpx.AsyncClient(base_url=config.base_url, timeout=60) as client:
            document = (await client.get("/api/v1/openapi.json")).json()
            assert document["x-unavailable-services"] == []
            platform = Platform(client, issuer, document)
            platform.owned = await demo_records(platform)
            yield platform
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 30)


def concrete_path(op: Operation, components: dict[str, Any] | None = None) -> str:
    """The path with every parameter filled: a fresh UUID where it is one (nothing has it), the
    first value of an enumeration, a plausible code elsewhere."""
    path = op.path
    for parameter in op.document.get("parameters", []):
        if parameter.get("in") != "path":
            continue
        schema = parameter.get("schema", {})
        if "$ref" in schema and components is not None:
            schema = components.get(schema["$ref"].rsplit("/", 1)[-1], schema)
        if schema.get("format") == "uuid":
            value = str(uuid.uuid4())
        elif schema.get("enum"):
            value = str(schema["enum"][0])
        else:
            value = "X1"
        path = path.replace("{" + parameter["name"] + "}", value)
    return path


async def call(platform: Platform, op: Operation, headers: dict[str, str]) -> httpx.Response:
    body: dict[str, Any] = {"json": {}} if op.method in ("post", "put", "patch") else {}
    path = concrete_path(op, platform.openapi["components"]["schemas"])
    return await platform.client.request(op.method.upper(), path, headers=headers, **body)


def expectation(policy: Policy, role: Role | None, response: httpx.Response) -> str | None:
    """What is wrong with `response` for a caller of `role` (None: no token), or None."""
    status = response.status_code
    content_type = response.headers.get("content-type", "")
    if policy.public:
        # A public operation may still refuse a request it authenticates otherwise (the payment
        # webhook's signature: 401, an SMS receipt's secret path: 403), but never asks for a
        # login.
        asks_login = "bearer" in response.headers.get("www-authenticate", "").lower()
        return f"public, asked for a login: {status}" if asks_login else None
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


#: The rules a role's token can be the owner by: the organisation kind its org_id names.
TOKEN_RULES = {
    Role.REVIEWER: {Owner.ORG},
    Role.ORG_ADMIN: {Owner.ORG},
    Role.INSTITUTION_ADMIN: {Owner.INSTITUTION},
    Role.INSTITUTION_HEAD: {Owner.INSTITUTION},
    Role.PROVINCE_ADMIN: {Owner.PROVINCE},
    Role.CITY_REVIEWER: {Owner.CITY},
    Role.INVIGILATOR: {Owner.INSTITUTION},
    Role.INSPECTOR: {Owner.ORG},
}


def owned_by(platform: Platform, op: Operation) -> Owned | None:
    matches = [o for o in platform.owned if op.path.startswith(o.template)]
    return max(matches, key=lambda o: len(o.template)) if matches else None


def scoped_roles(policy: Policy, owned: Owned) -> list[tuple[Role, Owner]]:
    """The roles whose rule confines them to an owner `owned` has and a token can be."""
    return [
        (role, rule)
        for role, rule in policy.roles.items()
        if rule in owned.owners and (rule is Owner.OWN or rule in TOKEN_RULES.get(role, ()))
    ]


def reaches_handler(op: Operation) -> bool:
    """Whether an empty request gets past validation to the code that checks the owner."""
    if op.document.get("requestBody", {}).get("required"):
        return False
    return not any(
        p.get("required") and p.get("in") == "query" for p in op.document.get("parameters", [])
    )


def fill(platform: Platform, op: Operation, owned: Owned) -> tuple[str, bool]:
    """The path on `owned`, and whether every identifier in it is the record's (not a made-up
    one for a sub-record the demo data lacks)."""
    path = op.path
    for name, value in owned.values.items():
        path = path.replace("{" + name + "}", value)
    ids = [
        p
        for p in op.document.get("parameters", [])
        if p.get("in") == "path" and "{" + p["name"] + "}" in path
    ]
    complete = not any(p.get("schema", {}).get("format") == "uuid" for p in ids)
    filled = concrete_path(
        Operation(op.method, path, op.document), platform.openapi["components"]["schemas"]
    )
    return filled, complete


async def test_a_record_of_another_owner_is_not_found_and_the_owner_reaches_it(
    platform: Platform,
):
    """Every operation on a demo record (a plan, a site and its rooms, a pilot application and
    plan, a directory entry, a candidate's application): a caller of each admitted role who is
    not the record's owner by the role's rule gets 404 problem+json, as for a record that does
    not exist; the owner reads it (GET: 2xx). Reads first, then the writes a stranger tries."""
    findings: list[str] = []
    checked = 0
    ops = [op for op in operations(platform.openapi) if op.policy and not op.policy.public]
    ops.sort(key=lambda op: op.method != "get")
    for op in ops:
        owned = owned_by(platform, op)
        assert op.policy is not None
        if owned is None or not reaches_handler(op):
            continue
        path, complete = fill(platform, op, owned)
        for role, rule in scoped_roles(op.policy, owned):
            stranger = platform.headers_of(role, rule, OTHER_OWNER[rule])
            response = await platform.client.request(op.method.upper(), path, headers=stranger)
            checked += 1
            # A record the stranger sees anyway (a published plan, a directory entry) may be
            # refused with 403; any other is not found, as if it did not exist.
            refused = {403, 404} if owned.visible else {404}
            if response.status_code not in refused or not response.headers.get(
                "content-type", ""
            ).startswith(PROBLEM_MEDIA_TYPE):
                findings.append(
                    f"{op.label} as {role} of another owner ({rule}): "
                    f"{response.status_code} {response.text[:150]}"
                )
            if op.method == "get" and complete:
                owner = platform.headers_of(role, rule, owned.owners[rule])
                response = await platform.client.get(path, headers=owner)
                checked += 1
                if not response.is_success:
                    findings.append(
                        f"{op.label} as {role} owner ({rule}): "
                        f"{response.status_code} {response.text[:150]}"
                    )
    assert checked > 40
    assert not findings, f"{len(findings)} of {checked} calls:\n" + "\n".join(findings)


async def test_a_list_shows_no_record_of_another_owner(platform: Platform):
    """Every list (a GET without path parameters) a role reads only its own records of: a
    caller who owns nothing sees none of the demo records."""
    findings: list[str] = []
    checked = 0
    for op in operations(platform.openapi):
        policy = op.policy
        if op.method != "get" or "{" in op.path or policy is None or policy.public:
            continue
        if not reaches_handler(op):
            continue
        for role, rule in policy.roles.items():
            if rule is not Owner.OWN and rule not in TOKEN_RULES.get(role, ()):
                continue
            ids = {v for o in platform.owned if rule in o.owners for v in o.values.values()}
            stranger = platform.headers_of(role, rule, OTHER_OWNER[rule])
            response = await platform.client.get(op.path, headers=stranger)
            checked += 1
            leaked = sorted(i for i in ids if i in response.text)
            if leaked or response.status_code in (401, 403) or response.status_code >= 500:
                findings.append(
                    f"{op.label} as {role} of another owner ({rule}): "
                    f"{response.status_code} shows {leaked}"
                )
    assert checked > 20
    assert not findings, f"{len(findings)} of {checked} lists:\n" + "\n".join(findings)
