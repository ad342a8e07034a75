import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from skillcert.telemetry import configure_tracing
from skillcert.testing import ServiceHarness

sys.path.insert(0, str(Path(__file__).parent))

#: every span of the test session, exported synchronously
SPANS = InMemorySpanExporter()
configure_tracing("skillcert-shared-tests", exporter=SPANS, batch=False)


@pytest.fixture(scope="session")
async def harness() -> AsyncIterator[ServiceHarness]:
    from sample.app import build_spec

    async with ServiceHarness(build_spec) as h:
        yield h


@pytest.fixture
def spans() -> InMemorySpanExporter:
    return SPANS


@pytest.fixture
async def clean(harness: ServiceHarness) -> AsyncIterator[ServiceHarness]:
    await harness.reset()
    yield harness
