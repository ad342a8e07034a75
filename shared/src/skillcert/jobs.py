"""Periodic jobs: a pass of work repeated on an interval for as long as the service runs.

A job is its one pass (`run_once`, which tests call directly with the time they want) and the
wait before the next one. A pass that raises is logged and the loop goes on; shutdown cancels
every job and waits until each has stopped, so nothing runs on a closed database engine."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

log = logging.getLogger("skillcert.jobs")

C = TypeVar("C")


@dataclass(frozen=True)
class PeriodicJob(Generic[C]):
    """`run_once(ctx)` is one pass; `wait(ctx)` the seconds to the next, asked after each pass
    (so it can follow settings or aim at a time of day). With `again_when_busy`, a pass that
    returns something truthy (rows handled) is followed at once by the next."""

    name: str
    run_once: Callable[[C], Awaitable[object]]
    wait: Callable[[C], float]
    run_at_start: bool = True
    again_when_busy: bool = False


async def _loop(job: PeriodicJob[C], ctx: C) -> None:
    if not job.run_at_start:
        await asyncio.sleep(job.wait(ctx))
    while True:
        busy: object = None
        try:
            busy = await job.run_once(ctx)
        except Exception:
            log.exception("job %s failed; it runs again after its interval", job.name)
        if job.again_when_busy and busy:
            # Yield to the loop all the same: a job that is always busy starves nobody.
            await asyncio.sleep(0)
            continue
        await asyncio.sleep(job.wait(ctx))


class JobRunner(Generic[C]):
    """Runs a service's jobs as tasks; `stop` cancels them and returns once all have ended."""

    def __init__(self, jobs: Sequence[PeriodicJob[C]], ctx: C, prefix: str = "") -> None:
        self._jobs = list(jobs)
        self._ctx = ctx
        self._prefix = prefix
        self._tasks: list[asyncio.Task[None]] = []

    def start(self) -> None:
        for job in self._jobs:
            name = f"{self._prefix}{job.name}"
            self._tasks.append(asyncio.create_task(_loop(job, self._ctx), name=name))

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()

    @property
    def running(self) -> int:
        return sum(1 for task in self._tasks if not task.done())
