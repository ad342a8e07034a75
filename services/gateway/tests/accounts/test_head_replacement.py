"""The head account swapped on `institution.head.replaced`: the old head retired (its login
and its refresh tokens refused, its login name freed), the new head made as at sign-up under
`i<学校标识码>` with its password sent by SMS; once, however often delivered, and retried then
dead-lettered when it cannot be done."""

from datetime import UTC, datetime
from uuid import UUID, uuid4

from sqlalchemy import select

from gateway.accounts.models import Account, RefreshToken
from skillcert.auth import Role
from skillcert.events import AccountCredentialsIssued, InstitutionHeadReplaced
from skillcert.testing import ServiceHarness, assert_problem, eventually

from ..helpers import client, login
from .test_institutions import registered

REFRESH = "/api/v1/gateway/sessions/refresh"
CODE = "4111010028"


def replaced(old_id: UUID | None = None, phone: str = "13900139000") -> InstitutionHeadReplaced:
    return InstitutionHeadReplaced(
        institution_code=CODE,
        institution_name="首都师范大学",
        old_head_account_id=old_id or uuid4(),
        new_head_account_id=uuid4(),
        new_head_name="李新",
        new_head_username=f"i{CODE}",
        new_head_phone=phone,
        replaced_at=datetime.now(UTC),
    )


async def heads(harness: ServiceHarness) -> list[Account]:
    async with harness.ctx.sessionmaker() as session:
        result = await session.execute(
            select(Account).where(Account.org_id == CODE).order_by(Account.created_at)
        )
        return list(result.scalars())


async def signed_up_head(harness: ServiceHarness) -> tuple[UUID, str, str]:
    """An institution's head made from sign-up and signed in: its id, password, refresh token."""
    event = registered()
    await harness.deliver(event)
    [sent] = await harness.outbox("identity.account.credentials_issued.v1")
    assert isinstance(sent, AccountCredentialsIssued)
    response = await login(harness, f"i{CODE}", sent.password)
    assert response.status_code == 200, response.text
    return event.head_account_id, sent.password, response.json()["refresh_token"]


class TestHeadReplaced:
    async def test_the_old_head_is_retired_and_the_new_one_made(self, harness: ServiceHarness):
        old_id, old_password, old_refresh = await signed_up_head(harness)
        event = replaced(old_id=old_id)
        await harness.deliver(event)

        old, new = await heads(harness)
        assert old.id == old_id and old.retired_at is not None
        assert old.phone is None and old.username == f"i{CODE}~retired-{old.id.hex[:8]}"
        assert (new.id, new.username, new.role, new.phone, new.name) == (
            event.new_head_account_id,
            f"i{CODE}",
            Role.INSTITUTION_HEAD,
            "13900139000",
            "李新",
        )
        # the old head can no longer sign in, under either name, nor refresh its session
        assert_problem(await login(harness, f"i{CODE}", old_password), 401)
        assert_problem(await login(harness, old.username or "", old_password), 401)
        refused = await client(harness).post(REFRESH, json={"refresh_token": old_refresh})
        assert_problem(refused, 401, detail="登录已过期，请重新登录")
        async with harness.ctx.sessionmaker() as session:
            tokens = (
                await session.execute(select(RefreshToken).where(RefreshToken.account_id == old.id))
            ).scalars()
            assert {t.revoked_reason for t in tokens} == {"head_replaced"}
        # the new head's password travels by SMS and signs in
        [_, sent] = await harness.outbox("identity.account.credentials_issued.v1")
        assert isinstance(sent, AccountCredentialsIssued)
        assert (sent.account_id, sent.phone, sent.username, sent.name) == (
            event.new_head_account_id,
            "13900139000",
            f"i{CODE}",
            "李新",
        )
        response = await login(harness, f"i{CODE}", sent.password)
        assert response.status_code == 200, response.text
        assert response.json()["role"] == "institution_head"

    async def test_redelivery_changes_nothing(self, harness: ServiceHarness):
        old_id, _, _ = await signed_up_head(harness)
        event = replaced(old_id=old_id)
        await harness.deliver(event)
        before = [(a.id, a.username, a.phone, a.retired_at) for a in await heads(harness)]
        await harness.deliver(event)
        await harness.deliver(event, attempt=2)
        after = [(a.id, a.username, a.phone, a.retired_at) for a in await heads(harness)]
        assert before == after and len(after) == 2
        assert len(await harness.outbox("identity.account.credentials_issued.v1")) == 2

    async def test_the_new_head_may_keep_the_old_heads_phone(self, harness: ServiceHarness):
        old_id, _, _ = await signed_up_head(harness)
        await harness.deliver(replaced(old_id=old_id, phone="13800138000"))
        old, new = await heads(harness)
        assert (old.phone, new.phone) == (None, "13800138000")

    async def test_a_second_replacement_retires_the_first_successor(self, harness: ServiceHarness):
        old_id, _, _ = await signed_up_head(harness)
        first = replaced(old_id=old_id)
        await harness.deliver(first)
        second = replaced(old_id=first.new_head_account_id, phone="13700137000")
        await harness.deliver(second)
        accounts = await heads(harness)
        assert [a.retired_at is None for a in accounts] == [False, False, True]
        assert accounts[2].username == f"i{CODE}"
        assert len({a.username for a in accounts}) == 3

    async def test_a_failure_is_retried_then_dead_lettered(self, harness: ServiceHarness):
        # A login name longer than the column holds: the account can never be stored.
        event = replaced().model_copy(update={"new_head_username": "i" * 80})
        await harness.publish(event)

        async def parked():
            letters = await harness.ctx.bus.dead_letters("gateway")
            return [d for d in letters if d.message_id == str(event.event_id)]

        letters = await eventually(parked, timeout_s=15)
        assert letters[0].attempts == 3  # first try + two retries
        assert await heads(harness) == []
