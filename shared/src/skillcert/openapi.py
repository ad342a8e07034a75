"""What every operation's OpenAPI declares besides its own answers: the problem+json statuses
the shared machinery can give any route, so a client (and the API fuzzing in `make test`)
finds in the document every status a service can answer."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import iter_route_contexts

from skillcert.auth import RequireRoles
from skillcert.errors import PROBLEM_MEDIA_TYPE, Problem

_PROBLEM_REF = "#/components/schemas/Problem"
_DESCRIPTIONS = {
    401: "未登录或登录凭证无效",
    403: "无权执行此操作（角色或归属不符）",
    404: "资源不存在",
    422: "提交的数据有误（字段校验失败、请求体无法解析、Idempotency-Key 已用于另一请求）",
}


def shared_statuses(path: str, method: str, operation: dict[str, Any]) -> set[int]:
    """422 when the operation takes any input (a field that fails validation, a body that is
    not JSON, a reused Idempotency-Key on POST); 401 and 403 when it needs a login (no or an
    invalid token; a role or an owner the caller is not); 404 when its path names something."""
    statuses: set[int] = set()
    if operation.get("parameters") or operation.get("requestBody") or method == "post":
        statuses.add(422)
    if operation.get("security"):
        statuses |= {401, 403}
    if "{" in path:
        statuses.add(404)
    return statuses


def add_shared_responses(document: dict[str, Any]) -> dict[str, Any]:
    """Add the shared statuses to every operation of `document` that does not declare them."""
    used = False
    for path, item in document.get("paths", {}).items():
        for method, operation in item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            for status in sorted(shared_statuses(path, method, operation)):
                if str(status) in responses:
                    continue
                used = True
                responses[str(status)] = {
                    "description": _DESCRIPTIONS[status],
                    "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": _PROBLEM_REF}}},
                }
    if used:
        schemas = document.setdefault("components", {}).setdefault("schemas", {})
        problem = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
        for name, definition in problem.pop("$defs", {}).items():
            schemas.setdefault(name, definition)
        schemas.setdefault("Problem", problem)
    return document


def declare_shared_responses(app: FastAPI) -> None:
    """`app.openapi()` from now on includes the shared statuses of every operation."""
    generate: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        return add_shared_responses(generate())

    app.openapi = openapi  # type: ignore[method-assign]


def _dependants(dependant: Dependant) -> Iterator[Dependant]:
    yield dependant
    for sub in dependant.dependencies:
        yield from _dependants(sub)


def admitted_roles(app: FastAPI, method: str, path: str) -> frozenset[str] | None:
    """The roles the operation `method path` admits (every `require_roles` on its way), or
    None when any caller may call it as far as roles go."""
    for route in iter_route_contexts(app.routes):
        if route.path == path and method.upper() in (route.methods or ()):
            admitted: frozenset[str] | None = None
            for d in _dependants(route.dependant):
                if isinstance(d.call, RequireRoles):
                    roles = frozenset(str(r) for r in d.call.roles)
                    admitted = roles if admitted is None else admitted & roles
            return admitted
    return None
