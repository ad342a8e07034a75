"""报考 at the year's turn: a quota is void after 31 December (China time), no carry-over."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import uuid4

import pytest

from registration.entries.rules import EntryMode
from registration.entries.service import EntryService
from skillcert.auth import Principal, Role
from skillcert.clock import CHINA
from skillcert.errors import InvalidInput
from skillcert.testing import ServiceHarness
from tests.entries.support import entry_count, entry_file, line, setup
from tests.quotas.support import pilot_approved
from tests.roster.support import SCHOOL

YEAR = pilot_approved().year


async def register_at(harness: ServiceHarness, plan_id, n: int, at: datetime) -> None:
    principal = Principal(account_id=uuid4(), role=Role.INSTITUTION_ADMIN, org_id=SCHOOL)
    async with harness.ctx.sessionmaker() as session, session.begin():
        await EntryService(session).register(
            principal,
            plan_id,
            EntryMode.CERTIFICATE,
            entry_file(EntryMode.CERTIFICATE, line(n)),
            at,
        )


async def test_the_quota_counts_until_31_december_and_is_void_after(harness: ServiceHarness):
    new_year = datetime(YEAR + 1, 1, 1, tzinfo=CHINA)
    plan = await setup(
        harness,
        students=2,
        headcount=20,
        registration_closes_at=new_year + timedelta(days=30),
    )
    await register_at(harness, plan.plan_id, 1, new_year - timedelta(minutes=1))
    with pytest.raises(InvalidInput) as refused:
        await register_at(harness, plan.plan_id, 2, new_year)
    [error] = refused.value.errors
    assert error.field == "plan_id"
    assert f"{YEAR + 1}年度" in error.message
    assert await entry_count(harness) == 1
