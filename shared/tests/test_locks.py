"""Advisory locks: one stable key per name, held until the transaction ends."""

from __future__ import annotations

import asyncio

from skillcert.db import advisory_lock, lock_key
from skillcert.testing import ServiceHarness


class TestLockKey:
    def test_the_key_is_stable_across_processes_and_releases(self) -> None:
        # Pinned: replicas of one release, and of the next, must agree on every key.
        assert lock_key("sms:13800000000") == lock_key("sms:13800000000")
        assert lock_key("sms:13800000000") == 5554612506622240911

    def test_keys_are_64_bit_signed_and_differ_by_name(self) -> None:
        keys = {lock_key(f"roster:INST-{n}") for n in range(10_000)}
        assert len(keys) == 10_000
        assert all(-(2**63) <= k < 2**63 for k in keys)


class TestAdvisoryLock:
    async def test_a_second_transaction_waits_until_the_first_ends(
        self, harness: ServiceHarness
    ) -> None:
        order: list[str] = []
        first_holds = asyncio.Event()
        sessionmaker = harness.ctx.sessionmaker

        async def first() -> None:
            async with sessionmaker() as session:
                await advisory_lock(session, "test:lock")
                first_holds.set()
                await asyncio.sleep(0.3)
                order.append("first done")
                await session.commit()

        async def second() -> None:
            await first_holds.wait()
            async with sessionmaker() as session:
                await advisory_lock(session, "test:lock")
                order.append("second has it")
                await session.commit()

        await asyncio.gather(first(), second())
        assert order == ["first done", "second has it"]

    async def test_other_names_do_not_wait(self, harness: ServiceHarness) -> None:
        sessionmaker = harness.ctx.sessionmaker
        async with sessionmaker() as holder, sessionmaker() as other:
            await advisory_lock(holder, "test:a")
            await asyncio.wait_for(advisory_lock(other, "test:b"), 2)
            await other.commit()
            await holder.commit()
