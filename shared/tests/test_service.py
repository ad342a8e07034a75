"""What every service's startup does to the process."""

import gc

from skillcert.testing import ServiceHarness


def test_startup_objects_are_frozen_out_of_the_collector(harness: ServiceHarness) -> None:
    # Models, schemas and routes built at startup are never garbage: a full collection
    # must not walk them again.
    assert gc.get_freeze_count() > 10_000


def test_the_young_generation_is_collected_at_the_configured_size(
    harness: ServiceHarness,
) -> None:
    assert gc.get_threshold()[0] == harness.ctx.settings.gc_young_threshold == 10_000
