"""The whole journey with every service as its own process on PostgreSQL, RabbitMQ and the S3
server, through the gateway only — with RabbitMQ stopped and started in the middle."""

import asyncio
import json
import os
import socket
import subprocess
import uuid
from collections.abc import Iterator

import httpx
import pytest
from journey import Journey
from stack import SIMULATOR, Stack

from skillcert.bus.base import RetryPolicy
from skillcert.bus.rabbit import RabbitBus
from skillcert.testing import AMQP_URL, PG_ADMIN_DSN, S3_ACCESS_KEY, S3_ENDPOINT, S3_SECRET_KEY

pytestmark = pytest.mark.journey

STAFF_PASSWORD = "Journey-Staff-2026"
# Fast retries so a message that failed while the broker was away returns quickly.
RETRY_DELAYS_MS = (200, 1000, 3000)


def free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [int(s.getsockname()[1]) for s in sockets]
    finally:
        for s in sockets:
            s.close()


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    names = ["gateway", "registration", "review", "exam-scheduling", "payment", "scoring"]
    names += ["certificate", "notification", "institution", SIMULATOR]
    run = uuid.uuid4().hex[:8]
    stack = Stack(
        pg_admin_dsn=PG_ADMIN_DSN,
        database_prefix=f"journey_{run}",
        amqp_url=AMQP_URL,
        exchange=f"journey-{run}.events",
        s3_endpoint=S3_ENDPOINT,
        s3_access_key=S3_ACCESS_KEY,
        s3_secret_key=S3_SECRET_KEY,
        s3_bucket=os.environ.get("SKILLCERT_TEST_S3_BUCKET", "skillcert-test"),
        demo_password=STAFF_PASSWORD,
        log_dir=tmp_path_factory.mktemp("stack-logs"),
        ports=dict(zip(names, free_ports(len(names)), strict=True)),
        extra_env={
            "SKILLCERT_RETRY_DELAYS_MS": json.dumps(RETRY_DELAYS_MS),
            "SKILLCERT_OUTBOX_POLL_INTERVAL_S": "0.2",
            "SKILLCERT_LOG_JSON": "true",
        },
    )
    asyncio.run(stack.create_databases(fresh=True))
    try:
        stack.start(timeout_s=120)
        yield stack
    finally:
        stack.stop()
        asyncio.run(stack.drop_databases())
        bus = RabbitBus(AMQP_URL, stack.exchange, RetryPolicy(RETRY_DELAYS_MS))
        asyncio.run(bus.delete_topology(names))


def rabbitmqctl(*args: str) -> None:
    subprocess.run(["rabbitmqctl", *args], check=True, capture_output=True, timeout=120)


async def test_journey_across_processes_survives_a_broker_restart(stack: Stack):
    async def stop_broker() -> None:
        await asyncio.to_thread(rabbitmqctl, "stop_app")

    async def start_broker() -> None:
        # The approval was committed with its event while the broker was down: the outbox
        # holds it until the relays reconnect.
        await asyncio.sleep(1)
        await asyncio.to_thread(rabbitmqctl, "start_app")
        await asyncio.to_thread(rabbitmqctl, "await_startup")

    async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=30) as client:
        journey = Journey(
            client,
            STAFF_PASSWORD,
            stack.simulator_url,
            between={"before_approve": stop_broker, "after_approve": start_broker},
        )
        try:
            await journey.run()
        finally:
            # Whatever happened, leave the broker running for the rest of the suite.
            await asyncio.to_thread(rabbitmqctl, "start_app")

        # Every service answers ready again after the broker came back.
        for service in stack.processes:
            response = await client.get(f"http://127.0.0.1:{stack.port(service)}/readyz")
            assert response.status_code == 200, (service, response.text)

        # One trace id and correlation id travel with the submission's events.
        openapi = await client.get("/api/v1/openapi.json")
        assert openapi.status_code == 200
        paths = openapi.json()["paths"]
        assert "/api/v1/registration/applications" in paths
        assert "/api/v1/certificate/verify" in paths
        assert "/api/v1/notification/ops/dead-letters/replay" in paths
        assert "/api/v1/institution/directory" in paths


async def test_an_institution_signs_up_across_processes(stack: Stack):
    async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=30) as client:
        journey = Journey(client, STAFF_PASSWORD, stack.simulator_url)
        await journey.run_institution_sign_up()


async def test_a_paid_candidate_withdraws_and_is_refunded_across_processes(stack: Stack):
    async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=30) as client:
        journey = Journey(client, STAFF_PASSWORD, stack.simulator_url)
        await journey.run_withdrawal()
