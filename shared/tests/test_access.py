"""skillcert.access: one declaration per route enforces its roles and publishes its policy."""

from __future__ import annotations

from types import SimpleNamespace

import httpx
import pytest
from fastapi import APIRouter, FastAPI

from skillcert.access import EXTENSION, EnforcePolicy, Owner, Policy, access, policy_of, public
from skillcert.auth import CurrentPrincipal, Role
from skillcert.errors import PROBLEM_MEDIA_TYPE, install_error_handlers
from skillcert.openapi import admitted_roles
from skillcert.testing import TestTokens as Tokens
from skillcert.testing import assert_problem


def build(tokens: Tokens) -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)
    app.state.ctx = SimpleNamespace(verifier=tokens.verifier)
    router = APIRouter()

    @router.get("/sites", **access(org_admin=Owner.ORG, institution_admin=Owner.INSTITUTION))
    async def sites(principal: CurrentPrincipal) -> dict[str, str]:
        return {"role": principal.role}

    @router.get("/directory", **public("院校名录（公开）"))
    async def directory() -> dict[str, str]:
        return {}

    app.include_router(router)
    return app


@pytest.fixture
def tokens() -> Tokens:
    return Tokens()


async def test_a_role_the_policy_admits_gets_through_and_any_other_gets_403(tokens: Tokens):
    app = build(tokens)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    ) as client:
        admin = tokens.headers(tokens.principal(Role.INSTITUTION_ADMIN, "INST-1"))
        assert (await client.get("/sites", headers=admin)).json() == {"role": "institution_admin"}
        candidate = tokens.headers(tokens.principal(Role.CANDIDATE))
        refused = await client.get("/sites", headers=candidate)
        assert refused.headers["content-type"].startswith(PROBLEM_MEDIA_TYPE)
        assert_problem(refused, 403)
        assert (await client.get("/sites")).status_code == 401
        assert (await client.get("/directory")).status_code == 200


def test_the_policy_is_in_the_openapi_and_read_back_from_it(tokens: Tokens):
    app = build(tokens)
    paths = app.openapi()["paths"]
    sites = paths["/sites"]["get"]
    assert sites[EXTENSION] == {
        "public": False,
        "roles": {"org_admin": "own_org", "institution_admin": "own_institution"},
    }
    assert policy_of(sites) == Policy(
        {Role.ORG_ADMIN: Owner.ORG, Role.INSTITUTION_ADMIN: Owner.INSTITUTION}
    )
    directory = paths["/directory"]["get"]
    assert directory[EXTENSION] == {"public": True, "roles": {}, "note": "院校名录（公开）"}
    assert "security" not in directory
    # What the API fuzzing reads off a route sees the policy's roles.
    assert admitted_roles(app, "GET", "/sites") == {"org_admin", "institution_admin"}


def test_a_policy_names_at_least_one_role():
    with pytest.raises(ValueError, match="public"):
        access()


def test_the_dependency_is_a_role_check():
    check = EnforcePolicy(Policy({Role.OPS: Owner.ANY}))
    assert check.roles == {Role.OPS}
