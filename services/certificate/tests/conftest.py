"""Harness for the certificate service: real PostgreSQL, RabbitMQ and S3 (SeaweedFS)."""

from collections.abc import AsyncIterator

import pytest
from certificate_testkit import World

from certificate.main import build_spec, ensure_identities
from skillcert.testing import ServiceHarness


@pytest.fixture(scope="session")
async def harness() -> AsyncIterator[ServiceHarness]:
    async with ServiceHarness(
        build_spec, settings_overrides={"public_base_url": "https://skillcert.example.cn"}
    ) as h:
        yield h


@pytest.fixture
async def clean(harness: ServiceHarness) -> AsyncIterator[None]:
    await harness.reset()
    await ensure_identities(harness.ctx)
    yield


@pytest.fixture
def world(harness: ServiceHarness, clean: None) -> World:
    return World(harness)
