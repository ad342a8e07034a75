"""Run the distribution without Docker: every service its own uvicorn process against
PostgreSQL, RabbitMQ and an S3 server on this machine, in the development profile, with the
WeChat Pay simulator as a process of its own that payment reaches over HTTP.

    uv run python deploy/dev/stack.py    # ports 8000 (gateway), 8101..8108, 8109 (simulator)

Used by the cross-process journey test as well (`Stack` below).
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg

from skillcert.serving import UVICORN_FLAGS
from skillcert_devtools.wechatpay import DevKeySet, generate_test_keys

ROOT = Path(__file__).resolve().parents[2]

#: service folder → (python module, env prefix, port offset)
SERVICES: dict[str, tuple[str, str, int]] = {
    "registration": ("registration", "REGISTRATION_", 1),
    "review": ("review", "REVIEW_", 2),
    "exam-scheduling": ("exam_scheduling", "EXAM_SCHEDULING_", 3),
    "payment": ("payment", "PAYMENT_", 4),
    "scoring": ("scoring", "SCORING_", 5),
    "certificate": ("certificate", "CERTIFICATE_", 6),
    "notification": ("notification", "NOTIFICATION_", 7),
    "institution": ("institution", "INSTITUTION_", 8),
}
#: the WeChat Pay simulator's process (a development tool, not a service of the platform)
SIMULATOR = "wechatpay-sim"
SIMULATOR_PORT_OFFSET = 9


@dataclass
class Stack:
    gateway_port: int = 8000
    service_port_base: int = 8100
    pg_admin_dsn: str = "postgresql://postgres@127.0.0.1:5432/postgres"
    database_prefix: str = "skillcert"
    amqp_url: str = "amqp://guest:guest@127.0.0.1:5672/"
    exchange: str = "skillcert.events"
    s3_endpoint: str = "127.0.0.1:8333"
    s3_access_key: str = "skillcert"
    s3_secret_key: str = "skillcert-secret"
    s3_bucket: str = "skillcert"
    demo_password: str | None = None
    log_dir: Path = ROOT / "var" / "stack-logs"
    extra_env: dict[str, str] = field(default_factory=dict)
    #: explicit ports per service (tests pick free ones); the rest follow the defaults
    ports: dict[str, int] = field(default_factory=dict)
    #: uvicorn worker processes per service (WEB_CONCURRENCY); the rest run one. Replicas are
    #: safe by design: relays and jobs take rows with SKIP LOCKED, consumers compete.
    workers: dict[str, int] = field(default_factory=dict)
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    #: generated at start: the merchant's half goes to payment, the provider's to the simulator
    provider_keys: DevKeySet | None = None

    @property
    def gateway_url(self) -> str:
        return f"http://127.0.0.1:{self.port('gateway')}"

    @property
    def simulator_url(self) -> str:
        return f"http://127.0.0.1:{self.port(SIMULATOR)}"

    def port(self, service: str) -> int:
        if service in self.ports:
            return self.ports[service]
        if service == "gateway":
            return self.gateway_port
        if service == SIMULATOR:
            return self.service_port_base + SIMULATOR_PORT_OFFSET
        return self.service_port_base + SERVICES[service][2]

    def database_name(self, service: str) -> str:
        return f"{self.database_prefix}_{service.replace('-', '_')}"

    def database_url(self, service: str) -> str:
        base = self.pg_admin_dsn.rsplit("/", 1)[0]
        return f"{base.replace('postgresql://', 'postgresql+asyncpg://')}/{self.database_name(service)}"

    async def create_databases(self, fresh: bool = False) -> None:
        conn = await asyncpg.connect(self.pg_admin_dsn)
        try:
            for service in ["gateway", *SERVICES]:
                name = self.database_name(service)
                if fresh:
                    await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname=$1", name)
                if not exists:
                    await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()

    async def drop_databases(self) -> None:
        conn = await asyncpg.connect(self.pg_admin_dsn)
        try:
            for service in ["gateway", *SERVICES]:
                await conn.execute(
                    f'DROP DATABASE IF EXISTS "{self.database_name(service)}" WITH (FORCE)'
                )
        finally:
            await conn.close()

    def environment(self) -> dict[str, str]:
        env = {
            **os.environ,
            "SKILLCERT_PROFILE": "dev",
            "SKILLCERT_AMQP_URL": self.amqp_url,
            "SKILLCERT_EXCHANGE": self.exchange,
            "SKILLCERT_S3_ENDPOINT": self.s3_endpoint,
            "SKILLCERT_S3_ACCESS_KEY": self.s3_access_key,
            "SKILLCERT_S3_SECRET_KEY": self.s3_secret_key,
            "SKILLCERT_S3_BUCKET": self.s3_bucket,
            "SKILLCERT_JWKS_URL": f"{self.gateway_url}/.well-known/jwks.json",
            "SKILLCERT_PUBLIC_BASE_URL": self.gateway_url,
            "GATEWAY_UPSTREAMS": json.dumps(
                {s: f"http://127.0.0.1:{self.port(s)}" for s in SERVICES}
            ),
        }
        if self.demo_password:
            env["GATEWAY_DEMO_PASSWORD"] = self.demo_password
        for service in ["gateway", *SERVICES]:
            prefix = "GATEWAY_" if service == "gateway" else SERVICES[service][1]
            env[f"{prefix}DATABASE_URL"] = self.database_url(service)
        env.update(self.extra_env)
        return env

    def service_environment(self, service: str) -> dict[str, str]:
        env = self.environment()
        if self.provider_keys is None:
            self.provider_keys = generate_test_keys()
        if service == SIMULATOR:
            return {
                **env,
                **self.provider_keys.simulator_env(),
                "WECHATPAY_SIM_PORT": str(self.port(SIMULATOR)),
                "WECHATPAY_SIM_JWKS_URL": env["SKILLCERT_JWKS_URL"],
            }
        if service == "payment":
            env = {**self.provider_keys.payment_env(self.simulator_url), **env}
        workers = self.workers.get(service, 1)
        env["WEB_CONCURRENCY"] = str(workers)
        prefix = "GATEWAY_" if service == "gateway" else SERVICES[service][1]
        if workers > 1 and f"{prefix}DATABASE_POOL_SIZE" not in env:
            # The workers share the service's connection budget: PostgreSQL's default of 100
            # connections is otherwise exhausted under load (nine services, pools of 10 + 10).
            env[f"{prefix}DATABASE_POOL_SIZE"] = str(max(2, 10 // workers))
        return env

    def start_service(self, service: str) -> None:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log = (self.log_dir / f"{service}.log").open("ab")
        if service == SIMULATOR:
            command = [sys.executable, "-m", "skillcert_devtools.wechatpay"]
        else:
            module = "gateway" if service == "gateway" else SERVICES[service][0]
            command = [
                sys.executable,
                "-m",
                "uvicorn",
                "--factory",
                f"{module}.main:create_app",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port(service)),
                "--no-access-log",
                *UVICORN_FLAGS,
            ]
        self.processes[service] = subprocess.Popen(
            command,
            env=self.service_environment(service),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def start(self, timeout_s: float = 90.0) -> None:
        # The gateway first: the others fetch its JWKS lazily, so order is not critical.
        for service in ["gateway", *SERVICES, SIMULATOR]:
            self.start_service(service)
        self.wait_ready(timeout_s)

    def wait_ready(self, timeout_s: float = 90.0) -> None:
        deadline = time.monotonic() + timeout_s
        pending = set(self.processes)
        while pending and time.monotonic() < deadline:
            for service in list(pending):
                process = self.processes[service]
                if process.poll() is not None:
                    raise RuntimeError(
                        f"{service} exited with {process.returncode}; see "
                        f"{self.log_dir / (service + '.log')}:\n{self.log_tail(service)}"
                    )
                try:
                    url = f"http://127.0.0.1:{self.port(service)}/readyz"
                    with urllib.request.urlopen(url, timeout=2) as response:
                        if response.status == 200:
                            pending.discard(service)
                except OSError:
                    pass
            time.sleep(0.3)
        if pending:
            tails = "\n".join(f"--- {s}\n{self.log_tail(s)}" for s in sorted(pending))
            raise RuntimeError(f"services not ready in {timeout_s}s: {sorted(pending)}\n{tails}")

    def log_tail(self, service: str, lines: int = 40) -> str:
        path = self.log_dir / f"{service}.log"
        if not path.exists():
            return ""
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        self.processes.clear()


def main() -> None:
    stack = Stack(demo_password=os.environ.get("GATEWAY_DEMO_PASSWORD"))
    asyncio.run(stack.create_databases())
    stack.start()
    print(
        f"skillcert distribution running: {stack.gateway_url} (API docs at /docs), WeChat Pay "
        f"simulator at {stack.simulator_url} (its controls take an ops token); Ctrl-C stops"
    )
    try:
        signal.pause()
    except KeyboardInterrupt:
        pass
    finally:
        stack.stop()


if __name__ == "__main__":
    main()
