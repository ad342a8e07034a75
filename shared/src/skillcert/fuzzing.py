"""Fuzzing every operation of a service against its own OpenAPI (schemathesis), on the
service's test harness: real PostgreSQL, RabbitMQ and S3. Test tooling: it needs the
workspace's dev group (schemathesis), which a service's distribution does not install.

Each operation gets requests that fit its document and requests that do not, sent with a
token of a role the route admits (or none where it needs no login), and fails on a 5xx (but
a declared 503) or a status the document does not declare. Examples are derived from a fixed
seed, so a run finds the same cases again; `SKILLCERT_FUZZ_EXAMPLES` raises the number per
operation and mode.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict
from schemathesis import Case, CheckContext, Response
from schemathesis.core.failures import Failure, FailureGroup, ServerError
from schemathesis.core.result import Err
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import status_code_conformance

from skillcert.auth import Role
from skillcert.openapi import admitted_roles
from skillcert.testing import ServiceHarness

BASE_URL = "http://testserver"


def no_server_error(ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
    """Any 5xx but 503 is a bug. A 503 says a dependency is down (the broker, say, which other
    tests on a shared machine stop and start) and to retry later; `status_code_conformance`
    holds the operation to declaring it."""
    if response.status_code >= 500 and response.status_code != 503:
        raise ServerError(operation=case.operation.label, status_code=response.status_code)
    return None


CHECKS = [no_server_error, status_code_conformance]
#: Roles whose tokens name an organisation, and the one they name (the seeds' demo ones).
ORGANISATIONS = {
    Role.INSTITUTION_ADMIN: "INST-DEMO",
    Role.INSTITUTION_HEAD: "INST-DEMO",
    Role.INVIGILATOR: "INST-DEMO",
}
DEFAULT_ORG = "ORG-DEMO"
#: The first of these a route admits is the role its requests are sent as.
ROLE_PREFERENCE = [
    Role.CANDIDATE,
    Role.ORG_ADMIN,
    Role.REVIEWER,
    Role.INSTITUTION_ADMIN,
    Role.INSTITUTION_HEAD,
    Role.PROVINCE_ADMIN,
    Role.INVIGILATOR,
    Role.INSPECTOR,
    Role.OPS,
]


@dataclass(frozen=True)
class Finding:
    operation: str
    mode: str
    message: str

    def __str__(self) -> str:
        return f"{self.operation} ({self.mode}): {self.message}"


class _LoopAdapter(BaseAdapter):
    """requests → the harness's ASGI client, on the event loop the app and its database pool
    live on (schemathesis sends from a worker thread; the app must not move loops)."""

    def __init__(self, client: httpx.AsyncClient, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__()
        self.client = client
        self.loop = loop

    def send(
        self, request: requests.PreparedRequest, *args: Any, **kwargs: Any
    ) -> requests.Response:
        body = request.body.encode() if isinstance(request.body, str) else request.body
        assert body is None or isinstance(body, bytes), "requests prepares bodies as bytes"
        headers = {k: v.decode() if isinstance(v, bytes) else v for k, v in request.headers.items()}
        sent = self.client.request(
            str(request.method), str(request.url), headers=headers, content=body
        )
        response = requests.Response()
        try:
            answer = asyncio.run_coroutine_threadsafe(sent, self.loop).result(timeout=120)
        except Exception as exc:
            # The harness's client re-raises what the app raised (it answered 500): a finding
            # like any 5xx, with the request to reproduce it, rather than the end of the run.
            response.status_code = 500
            response._content = f"unhandled {type(exc).__name__}: {exc}".encode()
            response.headers = CaseInsensitiveDict({"content-type": "text/plain"})
            response.url = str(request.url)
            response.request = request
            return response
        response.status_code = answer.status_code
        response.headers = CaseInsensitiveDict(answer.headers)
        response._content = answer.content
        response.reason = answer.reason_phrase
        response.url = str(request.url)
        response.request = request
        response.encoding = answer.encoding
        return response

    def close(self) -> None:
        pass


def _headers_for(harness: ServiceHarness, operation: Any) -> dict[str, str]:
    """A token of the first role (by `ROLE_PREFERENCE`) the route admits, where it needs one."""
    assert harness.app is not None
    if not operation.definition.raw.get("security"):
        return {}
    admitted = admitted_roles(harness.app, operation.method, operation.path)
    role = next(r for r in ROLE_PREFERENCE if admitted is None or str(r) in admitted)
    return harness.headers(role, org_id=ORGANISATIONS.get(role, DEFAULT_ORG))


def _test(
    operation: Any,
    mode: GenerationMode,
    session: requests.Session,
    headers: dict[str, str],
    max_examples: int,
) -> Callable[[], None]:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
    )
    def test(case: Any) -> None:
        response = case.call(session=session, headers=headers)
        case.validate_response(response, checks=CHECKS, headers=headers)

    return test


def _fuzz(
    harness: ServiceHarness,
    loop: asyncio.AbstractEventLoop,
    max_examples: int,
    skip: frozenset[str],
) -> list[Finding]:
    assert harness.app is not None and harness.client is not None
    schema = schemathesis.openapi.from_dict(harness.app.openapi())
    schema.config.update(base_url=BASE_URL)
    session = requests.Session()
    session.mount("http://", _LoopAdapter(harness.client, loop))
    findings: list[Finding] = []
    for result in schema.get_all_operations():
        if isinstance(result, Err):
            findings.append(Finding("(document)", "-", str(result.err())[:3000]))
            continue
        operation = result.ok()
        if operation.label in skip:
            continue
        headers = _headers_for(harness, operation)
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            test = _test(operation, mode, session, headers, max_examples)
            try:
                test()
            except Unsatisfiable:
                pass  # nothing of this mode to generate (e.g. no input that can be negated)
            except (Failure, FailureGroup) as failure:  # one per operation and mode is enough
                findings.append(Finding(operation.label, str(mode), str(failure)[:3000]))
    return findings


async def fuzz_operations(
    harness: ServiceHarness,
    *,
    max_examples: int | None = None,
    skip: frozenset[str] = frozenset(),
) -> list[Finding]:
    """Fuzz every operation in the harness's OpenAPI; what broke, one finding per operation
    and mode. `skip`: operation labels ("POST /api/v1/x/y") that must not be fuzzed, each
    with its reason where it is passed."""
    examples = max_examples or int(os.environ.get("SKILLCERT_FUZZ_EXAMPLES", "5"))
    loop = asyncio.get_running_loop()
    done: asyncio.Future[list[Finding]] = loop.create_future()

    def work() -> None:
        try:
            found = _fuzz(harness, loop, examples, skip)
        except BaseException as exc:
            loop.call_soon_threadsafe(done.set_exception, exc)
        else:
            loop.call_soon_threadsafe(done.set_result, found)

    threading.Thread(target=work, name="fuzz", daemon=True).start()
    return await done
