"""What every service's startup does to the process."""

import asyncio
import gc

import pytest

from skillcert.service import ServiceSpec
from skillcert.testing import ServiceHarness, eventually


def test_startup_objects_are_frozen_out_of_the_collector(harness: ServiceHarness) -> None:
    # Models, schemas and routes built at startup are never garbage: a full collection
    # must not walk them again.
    assert gc.get_freeze_count() > 10_000


def test_the_young_generation_is_collected_at_the_configured_size(
    harness: ServiceHarness,
) -> None:
    assert gc.get_threshold()[0] == harness.ctx.settings.gc_young_threshold == 10_000


class Pool:
    def __init__(self, events: list[str]) -> None:
        self.events = events
        self.closed = False


async def test_lifespan_resources_and_jobs_start_and_stop_in_order() -> None:
    from collections.abc import AsyncIterator
    from contextlib import asynccontextmanager

    from sample.app import build_spec

    from skillcert.jobs import PeriodicJob
    from skillcert.service import ServiceContext
    from skillcert.settings import ServiceSettings

    events: list[str] = []
    Ctx = ServiceContext[ServiceSettings, Pool]

    @asynccontextmanager
    async def lifespan(ctx: Ctx) -> AsyncIterator[Pool]:
        with pytest.raises(RuntimeError, match="not built yet"):
            _ = ctx.resources
        pool = Pool(events)
        events.append("started")
        try:
            yield pool
        finally:
            events.append("stopped")
            pool.closed = True

    async def tick(ctx: Ctx) -> None:
        assert not ctx.resources.closed
        if "ticked" not in events:
            events.append("ticked")
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            events.append("job cancelled")
            raise

    def spec() -> ServiceSpec[ServiceSettings, Pool]:
        base = build_spec()
        return ServiceSpec(
            name=base.name,
            title=base.title,
            settings=base.settings,
            metadata=base.metadata,
            migrations=base.migrations,
            routers=base.routers,
            lifespan=lifespan,
            jobs=[PeriodicJob[Ctx]("tick", tick, wait=lambda _: 1.0)],
        )

    async with ServiceHarness(spec) as harness:
        assert isinstance(harness.ctx.resources, Pool)
        await eventually(lambda: _has(events, "ticked"))
    assert events == ["started", "ticked", "job cancelled", "stopped"]


async def _has(events: list[str], name: str) -> bool:
    return name in events
