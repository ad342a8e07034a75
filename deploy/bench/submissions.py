"""Submission benchmark (issue 3): candidates submit their completed applications concurrently
against the distribution on this machine; compared in the same run with a bare baseline.

    make bench                                   # infra.sh, then this with the defaults
    uv run python deploy/bench/submissions.py --candidates 1000 --concurrency 64

Phases
1. The distribution (`deploy/dev/stack.py`'s Stack: one uvicorn process per service, fresh
   databases under a unique prefix, a unique exchange, free ports, dev profile) with a known
   gateway key, so this script mints candidate and staff tokens itself (no sign-up/argon2).
2. One plan opened through the gateway by an org admin (`create_open_plan`).
3. Candidates prepared, not timed: application, the four steps, photo uploaded to S3 and
   confirmed (the same calls as tests/journey/journey.py); with the chain baseline, twice N:
   half for the real submits, half for the baseline's.
4. Timed: `--concurrency` keep-alive HTTP/1.1 connections each POST .../submit for its share.
   End to end = first submit sent → review has all N cases (review database polled every
   50 ms). Submit-call latency p50/p95/p99.
5. Baseline (deploy/bench/baseline.py), `--baseline chain` (default, the issue's definition):
   a raw-asyncpg FastAPI endpoint doing the same writes on registration's database, its
   events relayed by the same OutboxRelay to the distribution's exchange and consumed by
   review and notification exactly like the real ones; same N, concurrency and measurement.
   `--baseline bare`: the whole chain bare instead (own database and exchange, a one-INSERT
   EventConsumer in a second process).
6. Ratio real/baseline; CPU seconds per process during each timed phase.

Everything on 127.0.0.1; processes stopped and databases dropped at the end (also on Ctrl-C).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import traceback
import urllib.request
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from stdnum.cn import ric

ROOT = Path(__file__).resolve().parents[2]
BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "deploy" / "dev"))
sys.path.insert(0, str(ROOT / "tests" / "journey"))

from journey import application_steps, id_photo  # noqa: E402  (the journey's form and photo)
from stack import SERVICES, Stack  # noqa: E402

from skillcert.auth import Principal, Role, SigningKey, TokenIssuer  # noqa: E402
from skillcert_embedded.demo import DEMO_INSTITUTION, DEMO_ORG, create_open_plan  # noqa: E402

PG_ADMIN_DSN = os.environ.get("BENCH_PG_ADMIN_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")
AMQP_URL = os.environ.get("BENCH_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")
S3_ENDPOINT = os.environ.get("BENCH_S3_ENDPOINT", "127.0.0.1:18333")
S3_ACCESS_KEY = os.environ.get("BENCH_S3_ACCESS_KEY", "skillcert")
S3_SECRET_KEY = os.environ.get("BENCH_S3_SECRET_KEY", "skillcert-secret")
JWT_ISSUER, JWT_AUDIENCE = "skillcert-gateway", "skillcert"
SUBMITTED = "registration.application.submitted.v1"
#: the services the submission benchmark cannot run without
ESSENTIAL = {"gateway", "registration", "review", "exam-scheduling"}
#: the services' default retry delays (skillcert.settings): names of their TTL queues
RETRY = (1000, 5000, 30000)


def arun(coro: Any) -> Any:
    """asyncio.run on uvloop when installed (uvicorn uses it too): a cheaper load generator."""
    try:
        import uvloop
    except ImportError:  # pragma: no cover
        return asyncio.run(coro)
    return uvloop.run(coro)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def free_ports(count: int) -> list[int]:
    sockets = []
    try:
        for _ in range(count):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            sockets.append(s)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def db_dsn(name: str) -> str:
    return f"{PG_ADMIN_DSN.rsplit('/', 1)[0]}/{name}"


# --- the candidate: keep these steps in line with tests/journey/journey.py (candidate_applies)


@dataclass
class Candidate:
    index: int
    account_id: uuid.UUID
    token: str
    phone: str
    id_number: str
    birth: str = "1985-06-12"
    application_id: str | None = None

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def resident_id(index: int, birth: str = "19850612") -> str:
    """A distinct valid resident ID per candidate: odd sequence digit (male)."""
    sequence = f"{(index * 2 + 1) % 1000:03d}"  # last digit odd → male
    body = f"{110101 + index // 500:06d}{birth}{sequence}"
    return body + ric.calc_check_digit(body + "0")


def expect(response: httpx.Response, *statuses: int) -> Any:
    expected = statuses or (200, 201)
    if response.status_code not in expected:
        raise RuntimeError(
            f"{response.request.method} {response.request.url.path} → {response.status_code}: "
            f"{response.text[:500]}"
        )
    return response.json() if response.content else None


async def prepare_candidate(
    client: httpx.AsyncClient, s3: httpx.AsyncClient, c: Candidate, plan_id: str, photo: bytes
) -> None:
    """Everything a candidate does before submitting (journey.candidate_applies minus submit)."""
    me = c.headers
    application = expect(
        await client.post(
            "/api/v1/registration/applications",
            json={"plan_id": plan_id},
            headers={**me, "Idempotency-Key": f"apply-{c.account_id}"},
        ),
        201,
    )
    c.application_id = application["id"]
    base = f"/api/v1/registration/applications/{c.application_id}"
    for step, body in application_steps(c.phone, c.id_number, c.birth):
        expect(await client.put(f"{base}/{step}", json=body, headers=me))
    document = expect(
        await client.post(
            f"{base}/documents",
            json={"kind": "photo", "content_type": "image/jpeg", "size": len(photo)},
            headers=me,
        ),
        201,
    )
    target = document["upload"]
    if target["method"] == "POST":
        uploaded = await s3.post(
            target["url"],
            data=target.get("fields") or {},
            files={"file": ("photo.jpg", photo, "image/jpeg")},
        )
    else:
        uploaded = await s3.put(target["url"], content=photo, headers=target.get("headers"))
    if not uploaded.is_success:
        raise RuntimeError(f"photo upload → {uploaded.status_code}: {uploaded.text[:300]}")
    expect(
        await client.post(f"{base}/documents/{document['document_id']}/confirm", headers=me), 200
    )
    steps = expect(await client.get(base, headers=me), 200)["steps"]
    if not all(steps.values()):
        raise RuntimeError(f"candidate {c.index}: steps not all done: {steps}")


# --- a minimal keep-alive HTTP/1.1 client, so the load generator costs little CPU -------------


class RawConnection:
    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def _open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()
        self.reader = self.writer = None

    async def post(self, path: str, headers: dict[str, str]) -> tuple[int, bytes]:
        if self.writer is None:
            await self._open()
        assert self.reader is not None and self.writer is not None
        head = [f"POST {path} HTTP/1.1", f"Host: 127.0.0.1:{self.port}", "Content-Length: 0"]
        head += [f"{k}: {v}" for k, v in headers.items()]
        self.writer.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1"))
        status_line = await self.reader.readline()
        if not status_line:
            await self.close()
            raise ConnectionError("connection closed by server")
        status = int(status_line.split()[1])
        length, chunked, close = 0, False, False
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding" and b"chunked" in value.lower():
                chunked = True
            elif name == b"connection" and b"close" in value.lower():
                close = True
        if chunked:
            body = b""
            while True:
                size = int((await self.reader.readline()).split(b";")[0], 16)
                chunk = await self.reader.readexactly(size + 2)
                if size == 0:
                    break
                body += chunk[:-2]
        else:
            body = await self.reader.readexactly(length)
        if close:
            await self.close()
        return status, body


# --- measurement ------------------------------------------------------------------------------


def _workers(text: str) -> dict[str, int]:
    workers: dict[str, int] = {}
    for part in filter(None, text.split(",")):
        service, _, count = part.partition("=")
        if service not in SERVICES or not count.isdigit() or int(count) < 1:
            raise argparse.ArgumentTypeError(f"expected SERVICE=N with a known service: {part}")
        workers[service] = int(count)
    return workers


def cpu_seconds(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def process_groups(named: dict[str, int]) -> dict[str, list[int]]:
    """Our processes by name with their children (uvicorn workers), plus PostgreSQL and
    RabbitMQ (all their processes)."""
    groups: dict[str, list[int]] = {name: [pid] for name, pid in named.items()}
    # uvicorn's workers are children of the service's process; the services themselves are
    # the bench's children, so its own children are not its CPU.
    by_pid = {pid: name for name, pid in named.items() if pid != os.getpid()}
    groups["postgres"], groups["rabbitmq"] = [], []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            comm = (entry / "comm").read_text().strip()
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if parent in by_pid and comm.startswith("python"):
            groups[by_pid[parent]].append(int(entry.name))
            continue
        if comm.startswith("postgres"):
            groups["postgres"].append(int(entry.name))
        elif comm.startswith(("beam", "erl_child", "epmd")):
            groups["rabbitmq"].append(int(entry.name))
    return groups


def cpu_snapshot(groups: dict[str, list[int]]) -> dict[str, dict[int, float]]:
    return {
        name: {pid: t for pid in pids if (t := cpu_seconds(pid)) is not None}
        for name, pids in groups.items()
    }


def cpu_delta(
    before: dict[str, dict[int, float]], after: dict[str, dict[int, float]]
) -> dict[str, float]:
    out = {}
    for name, pids in after.items():
        out[name] = sum(t - before.get(name, {}).get(pid, 0.0) for pid, t in pids.items())
    return out


@dataclass
class Result:
    label: str
    n: int
    concurrency: int
    e2e_s: float
    submit_s: float
    latencies_ms: list[float]
    errors: dict[str, int]
    visible: int
    cpu: dict[str, float] = field(default_factory=dict)
    rounds_per_s: list[float] = field(default_factory=list)

    @property
    def e2e_rate(self) -> float:
        return self.visible / self.e2e_s if self.e2e_s else 0.0

    @property
    def submit_rate(self) -> float:
        return len(self.latencies_ms) / self.submit_s if self.submit_s else 0.0

    def pct(self, p: float) -> float:
        data = sorted(self.latencies_ms)
        if not data:
            return float("nan")
        return data[min(len(data) - 1, max(0, round(p / 100 * len(data)) - 1))]

    def report(self) -> str:
        mean = statistics.fmean(self.latencies_ms) if self.latencies_ms else float("nan")
        lines = [
            f"== {self.label}: {self.n} submissions, {self.concurrency} connections",
            f"   end to end (first submit → all visible in review): {self.e2e_s:.2f} s "
            f"→ {self.e2e_rate:.0f} submissions/s ({self.visible}/{self.n} visible)",
            f"   submit calls: {self.submit_s:.2f} s → {self.submit_rate:.0f}/s; latency ms "
            f"p50 {self.pct(50):.1f}  p95 {self.pct(95):.1f}  p99 {self.pct(99):.1f}  "
            f"max {max(self.latencies_ms, default=float('nan')):.1f}  "
            f"mean {mean:.1f}",
            f"   errors: {sum(self.errors.values())} {dict(self.errors) if self.errors else ''}",
        ]
        if self.rounds_per_s:
            lines.append(f"   end-to-end submissions/s per round: {self.rounds_per_s}")
        if self.cpu:
            total = sum(self.cpu.values())
            parts = ", ".join(
                f"{k} {v:.1f}s ({1000 * v / max(self.visible, 1):.2f} ms/sub)"
                for k, v in sorted(self.cpu.items(), key=lambda kv: -kv[1])
                if v >= 0.05
            )
            lines.append(
                f"   CPU during the timed phase: {total:.1f} s over {self.e2e_s:.1f} s wall "
                f"({total / max(self.e2e_s, 1e-9):.2f} cores): {parts}"
            )
        return "\n".join(lines)


async def timed_submissions(
    label: str,
    port: int,
    jobs: list[tuple[str, dict[str, str]]],
    concurrency: int,
    count_visible: Callable[[], Awaitable[int]],
    timeout_s: float,
    cpu_groups: dict[str, list[int]],
) -> Result:
    """POST every (path, headers) of `jobs` over `concurrency` connections; wait until
    `count_visible()` reaches len(jobs)."""
    n = len(jobs)
    shares = [jobs[i::concurrency] for i in range(concurrency)]
    latencies: list[float] = []
    errors: dict[str, int] = {}
    started = asyncio.Event()
    t0 = 0.0

    async def worker(share: list[tuple[str, dict[str, str]]]) -> None:
        nonlocal t0
        connection = RawConnection(port)
        await started.wait()
        try:
            for path, headers in share:
                begin = time.perf_counter()
                try:
                    status, body = await connection.post(path, headers)
                except (OSError, ConnectionError, asyncio.IncompleteReadError, ValueError) as exc:
                    await connection.close()
                    key = type(exc).__name__
                    errors[key] = errors.get(key, 0) + 1
                    continue
                latencies.append((time.perf_counter() - begin) * 1000)
                if status != 200:
                    key = f"HTTP {status}"
                    errors[key] = errors.get(key, 0) + 1
                    if errors[key] <= 3:
                        log(f"{label}: {key}: {body[:300]!r}")
        finally:
            await connection.close()

    before = cpu_snapshot(cpu_groups)
    tasks = [asyncio.create_task(worker(share)) for share in shares if share]
    await asyncio.sleep(0.05)  # let every worker reach the start line
    t0 = time.perf_counter()
    started.set()
    done_submitting = asyncio.gather(*tasks)
    submit_end = None
    visible = 0
    deadline = t0 + timeout_s
    while True:
        if submit_end is None and done_submitting.done():
            submit_end = time.perf_counter()
            done_submitting.result()
        visible = await count_visible()
        if visible >= n:
            break
        if time.perf_counter() > deadline:
            log(f"{label}: timed out after {timeout_s:.0f}s with {visible}/{n} visible")
            break
        await asyncio.sleep(0.05)
    e2e_end = time.perf_counter()
    if submit_end is None:
        await done_submitting
        submit_end = time.perf_counter()
    after = cpu_snapshot(cpu_groups)
    return Result(
        label=label,
        n=n,
        concurrency=concurrency,
        e2e_s=e2e_end - t0,
        submit_s=submit_end - t0,
        latencies_ms=latencies,
        errors=errors,
        visible=visible,
        cpu=cpu_delta(before, after),
    )


async def bounded(limit: int, items: list[Any], fn: Callable[[Any], Awaitable[None]]) -> None:
    semaphore = asyncio.Semaphore(limit)
    failures: list[BaseException] = []

    async def one(item: Any) -> None:
        async with semaphore:
            if failures:
                return
            try:
                await fn(item)
            except Exception as exc:
                failures.append(exc)

    await asyncio.gather(*(one(i) for i in items))
    if failures:
        raise failures[0]


async def wait_until(probe: Callable[[], Awaitable[bool]], what: str, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if await probe():
            return
        await asyncio.sleep(0.2)
    raise TimeoutError(f"not reached in {timeout_s:.0f}s: {what}")


# --- the run ----------------------------------------------------------------------------------


@dataclass
class Bench:
    args: argparse.Namespace
    run: str = field(default_factory=lambda: uuid.uuid4().hex[:8])
    stack: Stack | None = None
    baseline_procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    baseline_dbs: list[str] = field(default_factory=list)
    log_dir: Path = field(default_factory=lambda: ROOT / "var" / "bench-logs")
    profilers: list[subprocess.Popen[bytes]] = field(default_factory=list)
    #: services that did not start (not on the submission path)
    missing: list[str] = field(default_factory=list)
    base_port: int = 0
    base_consumer_db: str = ""

    def __post_init__(self) -> None:
        self.log_dir = self.log_dir / self.run
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.key = SigningKey.generate()
        self.issuer = TokenIssuer(self.key, JWT_ISSUER, JWT_AUDIENCE, ttl=timedelta(hours=3))

    # -- distribution

    def start_stack(self) -> Stack:
        names = ["gateway", *SERVICES]
        stack = Stack(
            pg_admin_dsn=PG_ADMIN_DSN,
            database_prefix=f"bench_{self.run}",
            amqp_url=AMQP_URL,
            exchange=f"bench-{self.run}.events",
            s3_endpoint=S3_ENDPOINT,
            s3_access_key=S3_ACCESS_KEY,
            s3_secret_key=S3_SECRET_KEY,
            s3_bucket="skillcert-bench",
            log_dir=self.log_dir / "stack",
            ports=dict(zip(names, free_ports(len(names)), strict=True)),
            extra_env={
                "GATEWAY_JWT_PRIVATE_KEY_PEM": self.key.to_pem().decode(),
                "GATEWAY_JWT_KEY_ID": self.key.kid,
                "SKILLCERT_PROFILE": "dev",
            },
            workers=self.args.workers,
        )
        self.stack = stack
        asyncio.run(stack.create_databases(fresh=True))
        log(f"starting the distribution (logs in {stack.log_dir})")
        for service in ["gateway", *SERVICES]:
            stack.start_service(service)
        self.wait_stack_ready(stack, timeout_s=180)
        return stack

    def wait_stack_ready(self, stack: Stack, timeout_s: float) -> None:
        """Like Stack.wait_ready, but a service off the submission path that fails to start
        (e.g. mid-edit in the working tree) is reported and left out instead of failing."""
        deadline = time.monotonic() + timeout_s
        pending = set(stack.processes)
        while pending and time.monotonic() < deadline:
            for service in sorted(pending):
                process = stack.processes[service]
                if process.poll() is not None:
                    tail = stack.log_tail(service, 15)
                    if service in ESSENTIAL:
                        raise RuntimeError(f"{service} exited with {process.returncode}:\n{tail}")
                    log(f"WARNING: {service} failed to start and is left out:\n{tail}")
                    self.missing.append(service)
                    del stack.processes[service]
                    pending.discard(service)
                    continue
                try:
                    url = f"http://127.0.0.1:{stack.port(service)}/readyz"
                    with urllib.request.urlopen(url, timeout=2) as response:
                        if response.status == 200:
                            pending.discard(service)
                except OSError:
                    pass
            time.sleep(0.3)
        if pending:
            raise RuntimeError(f"services not ready in {timeout_s:.0f}s: {sorted(pending)}")

    def token(self, role: Role, account_id: uuid.UUID | None = None, org: str | None = None) -> str:
        return self.issuer.issue(
            Principal(account_id=account_id or uuid.uuid4(), role=role, name="bench", org_id=org)
        )

    async def prepare_real(self, n: int) -> tuple[list[Candidate], str]:
        assert self.stack is not None
        stack = self.stack
        org = {"Authorization": f"Bearer {self.token(Role.ORG_ADMIN, org=DEMO_ORG)}"}
        institution = {
            "Authorization": f"Bearer {self.token(Role.INSTITUTION_ADMIN, org=DEMO_INSTITUTION)}"
        }
        async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=60) as gateway:
            plan = await create_open_plan(gateway, org, institution, title=f"压测计划 {self.run}")
        plan_id = plan["id"]
        log(f"plan {plan_id} published; waiting for registration and review to know it")
        reg = await asyncpg.connect(db_dsn(stack.database_name("registration")))
        rev = await asyncpg.connect(db_dsn(stack.database_name("review")))
        try:

            async def known() -> bool:
                a = await reg.fetchval(
                    "SELECT count(*) FROM exam_plans WHERE plan_id=$1", uuid.UUID(plan_id)
                )
                b = await rev.fetchval("SELECT count(*) FROM review_plans")
                return bool(a and b)

            await wait_until(known, "plan in registration and review", 60)
        finally:
            await reg.close()
            await rev.close()

        photo = id_photo()
        candidates = []
        for i in range(n):
            account = uuid.uuid4()
            candidates.append(
                Candidate(
                    index=i,
                    account_id=account,
                    token=self.token(Role.CANDIDATE, account),
                    phone=f"139{10_000_000 + i:08d}",
                    id_number=resident_id(i),
                )
            )
        reg_url = f"http://127.0.0.1:{stack.port('registration')}"
        limits = httpx.Limits(max_connections=self.args.prepare_concurrency)
        done = 0
        began = time.monotonic()
        async with (
            httpx.AsyncClient(base_url=reg_url, timeout=120, limits=limits) as client,
            httpx.AsyncClient(timeout=120, limits=limits) as s3,
        ):

            async def prepare(c: Candidate) -> None:
                nonlocal done
                await prepare_candidate(client, s3, c, plan_id, photo)
                done += 1
                if done % 250 == 0 or done == n:
                    log(f"prepared {done}/{n} candidates ({time.monotonic() - began:.0f}s)")

            await bounded(self.args.prepare_concurrency, candidates, prepare)
        return candidates, plan_id

    async def run_real(
        self, candidates: list[Candidate], plan_id: str, label: str, profile: bool = False
    ) -> Result:
        assert self.stack is not None
        stack = self.stack
        via_gateway = self.args.via == "gateway"
        port = stack.port("gateway" if via_gateway else "registration")
        jobs = [
            (f"/api/v1/registration/applications/{c.application_id}/submit", c.headers)
            for c in candidates
        ]
        review = await asyncpg.connect(db_dsn(stack.database_name("review")))
        plan = uuid.UUID(plan_id)
        named = {f"svc:{s}": p.pid for s, p in stack.processes.items()}
        named["bench (load generator)"] = os.getpid()
        profiling = (
            [
                proc
                for name in ("registration", "review", "notification")
                if name in stack.processes
                for proc in self.start_profiler(stack.processes[name].pid, name)
            ]
            if profile
            else []
        )
        try:

            async def count() -> int:
                return int(
                    await review.fetchval(
                        "SELECT count(*) FROM review_cases WHERE plan_id=$1", plan
                    )
                )

            already = await count()

            async def visible() -> int:
                return await count() - already

            log(
                f"timed: {len(jobs)} submits over {self.args.concurrency} connections "
                f"({'through the gateway' if via_gateway else 'straight to registration'})"
            )
            result = await timed_submissions(
                label,
                port,
                jobs,
                self.args.concurrency,
                visible,
                self.args.timeout_s,
                process_groups(named),
            )
        finally:
            await review.close()
            self.stop_profilers(profiling)
        return result

    async def event_template(self) -> Path | None:
        """One real submitted event, so the baseline's outbox rows have the same size."""
        if self.stack is None:
            return None
        conn = await asyncpg.connect(db_dsn(self.stack.database_name("registration")))
        try:
            row = await conn.fetchrow(
                "SELECT payload, (SELECT avg(length(payload)) FROM outbox_messages "
                "WHERE event_type=$1) AS avg FROM outbox_messages WHERE event_type=$1 LIMIT 1",
                SUBMITTED,
            )
        finally:
            await conn.close()
        if row is None:
            return None
        path = self.log_dir / "event-template.json"
        path.write_text(row["payload"])
        log(f"real submitted event: {float(row['avg']):.0f} characters on average")
        return path

    # -- baseline

    async def setup_chain_baseline(self, template: Path | None) -> None:
        """`--baseline chain`: the baseline API on registration's database and the
        distribution's exchange, so review and notification consume its events."""
        assert self.stack is not None
        stack = self.stack
        env = {
            **os.environ,
            "BENCH_API_DSN": db_dsn(stack.database_name("registration")),
            "BENCH_AMQP_URL": AMQP_URL,
            "BENCH_EXCHANGE": stack.exchange,
            # Its relay runs when its own commits wake it, not on a timer: polling the shared
            # outbox it would also publish the real submits' events during the real rounds.
            "BENCH_OUTBOX_POLL_INTERVAL_S": "3600",
        }
        if template is not None:
            env["BENCH_EVENT_TEMPLATE"] = str(template)
        self.base_port = self.start_baseline_api(env)
        await self.wait_baseline_ready(None)

    def start_baseline_api(self, env: dict[str, str]) -> int:
        port = free_ports(1)[0]
        out = (self.log_dir / "baseline-api.log").open("ab")
        self.baseline_procs["api"] = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "--factory",
                "baseline:create_app",
                "--app-dir",
                str(BENCH_DIR),
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--no-access-log",
            ],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return port

    async def wait_baseline_ready(self, consumer_log: Path | None) -> None:
        port = self.base_port

        async def ready() -> bool:
            for name, proc in self.baseline_procs.items():
                if proc.poll() is not None:
                    raise RuntimeError(f"baseline {name} exited; see {self.log_dir}")
            if consumer_log is not None:
                text = consumer_log.read_text(errors="replace")  # noqa: ASYNC240 (tiny log)
                if "ready" not in text:
                    return False
            try:
                url = f"http://127.0.0.1:{port}/readyz"
                with urllib.request.urlopen(url, timeout=2) as r:  # noqa: ASYNC210
                    return bool(r.status == 200)
            except OSError:
                return False

        await wait_until(ready, "baseline processes ready", 60)

    async def setup_baseline(self, n: int, template: Path | None) -> list[dict[str, Any]]:
        """`--baseline bare`: baseline databases, schema, `n` seeded applications, API and
        consumer started."""
        sys.path.insert(0, str(BENCH_DIR))
        import baseline

        api_db, consumer_db = f"bench_{self.run}_base_api", f"bench_{self.run}_base_review"
        admin = await asyncpg.connect(PG_ADMIN_DSN)
        try:
            for name in (api_db, consumer_db):
                await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                await admin.execute(f'CREATE DATABASE "{name}"')
                self.baseline_dbs.append(name)
        finally:
            await admin.close()
        await baseline.create_schema(db_dsn(api_db), db_dsn(consumer_db))
        plan_id, org_id = uuid.uuid4(), DEMO_ORG
        rows = [
            {
                "id": uuid.uuid4(),
                "candidate_id": uuid.uuid4(),
                "plan_id": plan_id,
                "org_id": org_id,
                "name": "王小明",
                "gender": "male",
                "birth_date": datetime(1985, 6, 12).date(),
                "ethnic_group": "汉族",
                "education": "本科",
                "mobile": f"139{10_000_000 + i:08d}",
                "email": "wang@example.com",
                "postal_code": "530000",
                "identity": "employee",
                "id_type": "resident_id",
                "id_number": resident_id(i),
                "work_unit": "南宁示例电子商务有限公司",
                "years_worked": 11,
                "condition_code": "L2_PLUS_4Y",
                "photo_size": 60_000,
            }
            for i in range(n)
        ]
        await baseline.seed(db_dsn(api_db), rows)
        env = {
            **os.environ,
            "BENCH_API_DSN": db_dsn(api_db),
            "BENCH_CONSUMER_DSN": db_dsn(consumer_db),
            "BENCH_AMQP_URL": AMQP_URL,
            "BENCH_EXCHANGE": f"bench-{self.run}.baseline",
        }
        if template is not None:
            env["BENCH_EVENT_TEMPLATE"] = str(template)
        self.base_port = self.start_baseline_api(env)
        consumer_log = self.log_dir / "baseline-consumer.log"
        self.baseline_procs["consumer"] = subprocess.Popen(  # noqa: ASYNC220
            [sys.executable, str(BENCH_DIR / "baseline.py"), "consumer"],
            env=env,
            stdout=consumer_log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        await self.wait_baseline_ready(consumer_log)
        self.base_consumer_db = consumer_db
        return rows

    async def run_baseline(
        self, application_ids: list[Any], label: str, profile: bool = False
    ) -> Result:
        """Timed submits to the baseline API. Chain: visible = review's cases of the plan, as
        for the real submits; bare: the bare consumer's case rows."""
        port, chain = self.base_port, self.args.baseline == "chain"
        n = len(application_ids)
        jobs: list[tuple[str, dict[str, str]]] = [(f"/submit/{a}", {}) for a in application_ids]
        if chain:
            assert self.stack is not None
            cases = await asyncpg.connect(db_dsn(self.stack.database_name("review")))
            count_cases = "SELECT count(*) FROM review_cases"
        else:
            cases = await asyncpg.connect(db_dsn(self.base_consumer_db))
            count_cases = "SELECT count(*) FROM bench_cases"
        named = {f"baseline:{k}": p.pid for k, p in self.baseline_procs.items()}
        if chain:
            assert self.stack is not None
            named.update({f"svc:{s}": p.pid for s, p in self.stack.processes.items()})
        named["bench (load generator)"] = os.getpid()
        profiling = (
            self.start_profiler(self.baseline_procs["api"].pid, "baseline-api") if profile else []
        )
        try:

            async def count() -> int:
                return int(await cases.fetchval(count_cases))

            already = await count()

            async def visible() -> int:
                return await count() - already

            log(f"timed baseline: {n} submits over {self.args.concurrency} connections")
            return await timed_submissions(
                label,
                port,
                jobs,
                self.args.concurrency,
                visible,
                self.args.timeout_s,
                process_groups(named),
            )
        finally:
            await cases.close()
            self.stop_profilers(profiling)

    # -- profiling (optional)

    def start_profiler(self, pid: int, name: str) -> list[subprocess.Popen[bytes]]:
        if not self.args.profile:
            return []
        out = self.log_dir / f"profile-{name}.txt"
        proc = subprocess.Popen(
            [
                "uv",
                "run",
                "--with",
                "py-spy",
                "py-spy",
                "record",
                "--pid",
                str(pid),
                "--rate",
                "200",
                "--format",
                "raw",
                "--output",
                str(out),
                "--duration",
                str(int(self.args.timeout_s)),
                "--nonblocking",
            ],
            stdout=(self.log_dir / f"py-spy-{name}.log").open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
            cwd=ROOT,
        )
        self.profilers.append(proc)
        time.sleep(2.0)  # py-spy attaches
        return [proc]

    def stop_profilers(self, procs: list[subprocess.Popen[bytes]]) -> None:
        for proc in procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGINT)  # py-spy writes its output on SIGINT
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)

    # -- cleanup

    def cleanup(self) -> None:
        self.stop_profilers([p for p in self.profilers if p.poll() is None])
        for proc in self.baseline_procs.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.baseline_procs.values():
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        self.baseline_procs.clear()
        if self.stack is not None:
            self.stack.stop()
        if self.args.keep:
            log(f"--keep: databases with prefix bench_{self.run} left in place")
            return

        async def drop() -> None:
            if self.stack is not None:
                await self.stack.drop_databases()
            admin = await asyncpg.connect(PG_ADMIN_DSN)
            try:
                for name in self.baseline_dbs:
                    await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            finally:
                await admin.close()

        try:
            asyncio.run(drop())
        except Exception as exc:  # cleanup must not hide the real error
            log(f"could not drop the bench databases: {exc!r}")
        try:
            asyncio.run(self.delete_broker_objects())
        except Exception as exc:
            log(f"could not delete the bench exchanges/queues: {exc!r}")

    async def delete_broker_objects(self) -> None:
        """The run's exchanges and durable queues (`<exchange>.<service>[.retry.N|.dead]`)."""
        import aio_pika

        exchanges = {
            f"bench-{self.run}.events": ["gateway", *SERVICES],
            f"bench-{self.run}.baseline": ["bench-review"],
        }
        connection = await aio_pika.connect(AMQP_URL, timeout=10)
        try:
            channel = await connection.channel()
            for exchange, services in exchanges.items():
                for service in services:
                    queue = f"{exchange}.{service}"
                    for name in (queue, f"{queue}.dead", *(f"{queue}.retry.{d}" for d in RETRY)):
                        await channel.queue_delete(name)
                await channel.exchange_delete(exchange)
        finally:
            await connection.close()


def merge(label: str, parts: list[Result]) -> Result | None:
    """Rounds added up: rates are total submissions over total timed seconds."""
    if not parts:
        return None
    cpu: dict[str, float] = {}
    errors: dict[str, int] = {}
    for part in parts:
        for k, v in part.cpu.items():
            cpu[k] = cpu.get(k, 0.0) + v
        for k, e in part.errors.items():
            errors[k] = errors.get(k, 0) + e
    return Result(
        label=f"{label} ({len(parts)} rounds)" if len(parts) > 1 else label,
        n=sum(p.n for p in parts),
        concurrency=parts[0].concurrency,
        e2e_s=sum(p.e2e_s for p in parts),
        submit_s=sum(p.submit_s for p in parts),
        latencies_ms=[x for p in parts for x in p.latencies_ms],
        errors=errors,
        visible=sum(p.visible for p in parts),
        cpu=cpu,
        rounds_per_s=[round(p.e2e_rate, 1) for p in parts],
    )


def summary(real: Result | None, base: Result | None, args: argparse.Namespace) -> str:
    lines = ["", "=" * 78]
    for r in (real, base):
        if r is not None:
            lines.append(r.report())
    if real and base and base.e2e_rate:
        ratio = real.e2e_rate / base.e2e_rate
        lines += [
            "",
            f"RATIO real/baseline (end-to-end submissions/s): {ratio:.2f}  "
            f"(goal ≥ 0.70; submit-call ratio {real.submit_rate / base.submit_rate:.2f})",
            f"real p99 submit latency {real.pct(99):.0f} ms (goal < 300 ms)",
        ]
    lines.append(
        f"machine: {os.cpu_count()} CPUs, "
        f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.1f} GiB; "
        f"candidates {args.candidates}, concurrency {args.concurrency}, via {args.via}, "
        f"baseline {args.baseline}" + (f", workers {args.workers}" if args.workers else "")
    )
    lines.append("=" * 78)
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--candidates", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--prepare-concurrency", type=int, default=16)
    parser.add_argument(
        "--via",
        choices=["registration", "gateway"],
        default="registration",
        help="send the timed submits straight to registration (default) or through the gateway",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=2,
        help="split the candidates into this many rounds, alternating real and baseline "
        "(ABBA...) so background load on a shared machine hits both alike",
    )
    parser.add_argument(
        "--warmup", type=int, default=64, help="untimed submits first, on both (extra candidates)"
    )
    parser.add_argument(
        "--workers",
        type=_workers,
        default={},
        metavar="SERVICE=N[,SERVICE=N]",
        help="uvicorn worker processes per service, e.g. registration=2 (default: one each)",
    )
    parser.add_argument("--timeout-s", type=float, default=300.0, help="per timed phase")
    parser.add_argument(
        "--baseline",
        choices=["chain", "bare"],
        default="chain",
        help="chain (default, the issue's definition): the raw-asyncpg endpoint on "
        "registration's database, its events relayed to the distribution and consumed by "
        "review and notification like the real ones; bare: the whole chain bare (own "
        "database, own exchange, a one-INSERT consumer)",
    )
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--skip-real", action="store_true")
    parser.add_argument("--profile", action="store_true", help="py-spy the submit processes")
    parser.add_argument("--keep", action="store_true", help="keep the databases afterwards")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    if not 1 <= args.candidates <= 20_000 or not 1 <= args.concurrency <= 512:
        parser.error("--candidates must be 1..20000 and --concurrency 1..512")
    if not 1 <= args.rounds <= min(20, args.candidates) or not 0 <= args.warmup <= 1000:
        parser.error("--rounds must be 1..20 (and ≤ candidates), --warmup 0..1000")

    bench = Bench(args)
    real = base = None

    def interrupted(signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, interrupted)
    try:
        n, w, rounds = args.candidates, args.warmup, args.rounds
        chain = args.baseline == "chain" and not args.skip_baseline
        template = None
        candidates: list[Candidate] = []
        base_ids: list[Any] = []
        plan_id = ""
        if not args.skip_real or chain:
            bench.start_stack()
            # Chain: the baseline's applications are prepared like the real ones, in
            # registration's database; the second half of the candidates is the baseline's.
            candidates, plan_id = arun(bench.prepare_real((n + w) * (2 if chain else 1)))
            if chain:
                base_ids = [c.application_id for c in candidates[n + w :]]
                candidates = candidates[: n + w]
            if args.skip_real:
                candidates = []
            elif w:
                warm = arun(bench.run_real(candidates[:w], plan_id, "real warm-up"))
                log(warm.report())
            template = arun(bench.event_template())
            candidates = candidates[w:]
        if chain:
            arun(bench.setup_chain_baseline(template))
        elif not args.skip_baseline:
            base_ids = [r["id"] for r in arun(bench.setup_baseline(n + w, template))]
        if base_ids and w:
            warm = arun(bench.run_baseline(base_ids[:w], "baseline warm-up"))
            log(warm.report())
        base_ids = base_ids[w:]
        real_parts: list[Result] = []
        base_parts: list[Result] = []
        for r in range(rounds):
            order = ["real", "base"] if r % 2 == 0 else ["base", "real"]
            for which in order:
                if which == "real" and candidates:
                    part = arun(
                        bench.run_real(
                            candidates[r::rounds],
                            plan_id,
                            f"real round {r + 1}",
                            args.profile and r == 0,
                        )
                    )
                    real_parts.append(part)
                elif which == "base" and base_ids:
                    part = arun(
                        bench.run_baseline(
                            base_ids[r::rounds],
                            f"baseline round {r + 1}",
                            args.profile and r == 0,
                        )
                    )
                    base_parts.append(part)
                else:
                    continue
                log(part.report())
        real = merge("skillcert (real)", real_parts)
        base = merge(
            "baseline (raw-asyncpg endpoint, same relay, review and notification)"
            if chain
            else "baseline (bare chain: raw asyncpg + same relay/inbox, one-INSERT consumer)",
            base_parts,
        )
        print(summary(real, base, args), flush=True)
        if bench.missing:
            print(f"NOTE: not running (failed to start): {', '.join(bench.missing)}", flush=True)
        if args.json:
            args.json.write_text(
                json.dumps(
                    {
                        r.label: {
                            "n": r.n,
                            "visible": r.visible,
                            "e2e_s": r.e2e_s,
                            "e2e_per_s": r.e2e_rate,
                            "submit_per_s": r.submit_rate,
                            "p50_ms": r.pct(50),
                            "p95_ms": r.pct(95),
                            "p99_ms": r.pct(99),
                            "errors": r.errors,
                            "cpu_s": r.cpu,
                        }
                        for r in (real, base)
                        if r is not None
                    },
                    indent=2,
                    ensure_ascii=False,
                )
            )
        failed = any(r is not None and (r.errors or r.visible < r.n) for r in (real, base))
        return 1 if failed else 0
    except KeyboardInterrupt:
        log("interrupted: cleaning up")
        return 130
    except Exception:
        traceback.print_exc()
        return 1
    finally:
        bench.cleanup()
        log(f"logs: {bench.log_dir}")


if __name__ == "__main__":
    sys.exit(main())
