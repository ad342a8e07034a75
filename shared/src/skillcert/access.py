"""Every operation's access policy, declared beside its route: which roles may call it and, for
each role, whose records it reaches (the ownership rule). One declaration both enforces the
roles (a route dependency, so a caller of another role gets 403 before anything runs) and
publishes the policy in the OpenAPI as `x-access-policy`, where the authorisation matrix test
(tests/security) and docs/security.md read it.

    @router.get("/sites/{site_id}", response_model=SiteOut, **access(
        org_admin=Owner.ORG, institution_admin=Owner.INSTITUTION))
    @router.post("/accounts", **public("注册"))

The ownership half is enforced by the service code (it needs the record); the declaration is
what the matrix test holds that code to, role by role, with a caller of the record's owner and
one of another owner.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from fastapi import Depends

from skillcert.auth import RequireRoles, Role

EXTENSION = "x-access-policy"


class Owner(StrEnum):
    """Whose records a role reaches through an operation."""

    ANY = "any"  # every record of the kind (ops; catalogues a role reads whole)
    OWN = "own_record"  # the caller's own: their account, their applications, their messages
    ORG = "own_org"  # the organisation (培训评价组织) the caller's token names
    INSTITUTION = "own_institution"  # the institution / exam site (院校/考核站点) the token names
    PROVINCE = "own_province"  # the province the token names (PROV-xx)
    CITY = "own_city"  # the city the token names (CITY-<code>)
    ASSIGNED = "assigned"  # what the caller is assigned to (an invigilator's rooms and sessions)


#: What the matrix table and the OpenAPI say for each rule, in Chinese for people.
OWNER_LABELS = {
    Owner.ANY: "全部",
    Owner.OWN: "本人",
    Owner.ORG: "本组织",
    Owner.INSTITUTION: "本院校",
    Owner.PROVINCE: "本省",
    Owner.CITY: "本市",
    Owner.ASSIGNED: "被指派的",
}


@dataclass(frozen=True)
class Policy:
    """No roles: anyone may call it, without logging in."""

    roles: Mapping[Role, Owner] = field(default_factory=dict)
    note: str = ""

    @property
    def public(self) -> bool:
        return not self.roles

    def extension(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "public": self.public,
            "roles": {str(role): str(owner) for role, owner in self.roles.items()},
        }
        if self.note:
            out["note"] = self.note
        return out

    @classmethod
    def from_extension(cls, data: Mapping[str, Any]) -> Policy:
        return cls(
            roles={Role(r): Owner(o) for r, o in data.get("roles", {}).items()},
            note=data.get("note", ""),
        )


class EnforcePolicy(RequireRoles):
    """The route dependency of a policy: the role check (a `RequireRoles`, so everything that
    reads the admitted roles off a route — the API fuzzing — sees it too)."""

    def __init__(self, policy: Policy) -> None:
        super().__init__(*policy.roles)
        self.policy = policy


def _route_kwargs(policy: Policy) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"openapi_extra": {EXTENSION: policy.extension()}}
    if not policy.public:
        kwargs["dependencies"] = [Depends(EnforcePolicy(policy))]
    return kwargs


def access(
    *,
    candidate: Owner | None = None,
    reviewer: Owner | None = None,
    org_admin: Owner | None = None,
    institution_admin: Owner | None = None,
    institution_head: Owner | None = None,
    province_admin: Owner | None = None,
    city_reviewer: Owner | None = None,
    invigilator: Owner | None = None,
    inspector: Owner | None = None,
    ops: Owner | None = None,
    note: str = "",
) -> dict[str, Any]:
    """The route decorator's keyword arguments (`**access(...)`) for an operation that needs a
    login: each role it admits with its ownership rule; every other role gets 403."""
    given = {
        Role.CANDIDATE: candidate,
        Role.REVIEWER: reviewer,
        Role.ORG_ADMIN: org_admin,
        Role.INSTITUTION_ADMIN: institution_admin,
        Role.INSTITUTION_HEAD: institution_head,
        Role.PROVINCE_ADMIN: province_admin,
        Role.CITY_REVIEWER: city_reviewer,
        Role.INVIGILATOR: invigilator,
        Role.INSPECTOR: inspector,
        Role.OPS: ops,
    }
    roles = {role: owner for role, owner in given.items() if owner is not None}
    if not roles:
        raise ValueError("access() needs at least one role; an operation open to all is public()")
    return _route_kwargs(Policy(roles, note))


def public(note: str) -> dict[str, Any]:
    """The route decorator's keyword arguments for an operation anyone may call without a
    login; `note` says why it is open (sign-up, the verification page, a signed webhook)."""
    return _route_kwargs(Policy({}, note))


def policy_of(operation: Mapping[str, Any]) -> Policy | None:
    """The policy an OpenAPI operation declares, or None."""
    data = operation.get(EXTENSION)
    return Policy.from_extension(data) if data is not None else None
