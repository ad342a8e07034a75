"""Two imports at once never together exceed the quota: 50 registrations race for a quota of
20 on PostgreSQL, and exactly 20 succeed (the quota row's lock counts them one after the
other)."""

from __future__ import annotations

import asyncio

from registration.entries.rules import EntryMode
from skillcert.testing import ServiceHarness, assert_problem
from tests.entries.support import entry_count, entry_file, line, send, setup


async def test_fifty_concurrent_registrations_against_a_quota_of_twenty(
    harness: ServiceHarness,
):
    assert harness.ctx.engine.dialect.name == "postgresql"
    plan = await setup(harness, students=50, headcount=20)
    responses = await asyncio.gather(
        *(
            send(harness, plan.plan_id, entry_file(EntryMode.CERTIFICATE, line(n)))
            for n in range(1, 51)
        )
    )
    accepted = [r for r in responses if r.status_code == 200]
    refused = [r for r in responses if r.status_code != 200]
    assert len(accepted) == 20
    assert len(refused) == 30
    for response in refused:
        body = assert_problem(response, 422, "rows[2].id_number")
        assert "剩余 0 人" in body["errors"][0]["message"]
    assert sorted(r.json()["quota"]["used"] for r in accepted) == list(range(1, 21))
    assert await entry_count(harness) == 20
    assert len(await harness.outbox("registration.entry.registered.v1")) == 20


async def test_two_multi_line_imports_at_once_share_the_quota(harness: ServiceHarness):
    plan = await setup(harness, students=12, headcount=10)
    first = entry_file(EntryMode.CERTIFICATE, *(line(n) for n in range(1, 7)))
    second = entry_file(EntryMode.CERTIFICATE, *(line(n) for n in range(7, 13)))
    responses = await asyncio.gather(
        send(harness, plan.plan_id, first), send(harness, plan.plan_id, second)
    )
    assert sorted(r.status_code for r in responses) == [200, 422]
    assert await entry_count(harness) == 6
