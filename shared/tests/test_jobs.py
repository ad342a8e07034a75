"""Periodic jobs: interval, failures logged and survived, cancellation awaited on stop."""

from __future__ import annotations

import asyncio
import logging

from skillcert.jobs import JobRunner, PeriodicJob
from skillcert.testing import eventually


class Counter:
    def __init__(self, fail_on: set[int] | None = None, busy_until: int = 0) -> None:
        self.runs = 0
        self.fail_on = fail_on or set()
        self.busy_until = busy_until
        self.finished = 0

    async def run(self, _: object) -> bool:
        self.runs += 1
        if self.runs in self.fail_on:
            raise RuntimeError(f"pass {self.runs} failed")
        await asyncio.sleep(0)
        self.finished += 1
        return self.runs < self.busy_until


async def test_a_job_runs_at_start_then_every_interval() -> None:
    counter = Counter()
    runner = JobRunner([PeriodicJob("tick", counter.run, wait=lambda _: 0.01)], None)
    runner.start()
    try:
        await eventually(lambda: _at_least(counter, 3), timeout_s=10)
    finally:
        await runner.stop()


async def test_a_failing_pass_is_logged_and_the_job_goes_on() -> None:
    records: list[logging.LogRecord] = []
    handler = logging.Handler(logging.ERROR)
    handler.emit = records.append  # type: ignore[method-assign]
    logger = logging.getLogger("skillcert.jobs")
    logger.addHandler(handler)
    counter = Counter(fail_on={1, 2})
    runner = JobRunner([PeriodicJob("flaky", counter.run, wait=lambda _: 0.01)], None)
    runner.start()
    try:
        await eventually(lambda: _finished(counter, 2), timeout_s=10)
    finally:
        await runner.stop()
        logger.removeHandler(handler)
    failures = [r for r in records if "job flaky failed" in r.getMessage()]
    assert len(failures) == 2, [r.getMessage() for r in records]
    assert failures[0].exc_info is not None


async def test_a_busy_job_runs_again_without_waiting() -> None:
    counter = Counter(busy_until=5)
    job = PeriodicJob("drain", counter.run, wait=lambda _: 3600.0, again_when_busy=True)
    runner = JobRunner([job], None)
    runner.start()
    try:
        # Five passes within the test's time although the interval is an hour: the first
        # four found work, the fifth found none and the job now waits.
        await eventually(lambda: _at_least(counter, 5), timeout_s=10)
        await asyncio.sleep(0.05)
        assert counter.runs == 5
    finally:
        await runner.stop()


async def test_a_job_not_run_at_start_waits_first() -> None:
    counter = Counter()
    job = PeriodicJob("daily", counter.run, wait=lambda _: 3600.0, run_at_start=False)
    runner = JobRunner([job], None)
    runner.start()
    await asyncio.sleep(0.05)
    assert counter.runs == 0
    await runner.stop()


async def test_stop_cancels_a_pass_in_flight_and_waits_for_it_to_end() -> None:
    started, cleaned_up = asyncio.Event(), asyncio.Event()

    async def long_pass(_: object) -> None:
        started.set()
        try:
            await asyncio.sleep(3600)
        finally:
            await asyncio.sleep(0.01)  # cleanup that itself awaits
            cleaned_up.set()

    runner = JobRunner([PeriodicJob("long", long_pass, wait=lambda _: 1.0)], None)
    runner.start()
    await asyncio.wait_for(started.wait(), 2)
    assert runner.running == 1
    await asyncio.wait_for(runner.stop(), 2)
    assert cleaned_up.is_set()
    assert runner.running == 0


async def test_run_once_is_the_job_body_tests_call_directly() -> None:
    counter = Counter()
    job = PeriodicJob("tick", counter.run, wait=lambda _: 3600.0)
    await job.run_once(None)
    assert counter.runs == 1


async def _at_least(counter: Counter, runs: int) -> bool:
    return counter.runs >= runs


async def _finished(counter: Counter, passes: int) -> bool:
    return counter.finished >= passes
