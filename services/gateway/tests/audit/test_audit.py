"""The audit trail's store: a staff account made by ops is an entry (through the outbox), kept
once however often delivered, listed newest first for ops alone with filters; a bad query is
refused at its field; an entry that cannot be kept is retried then dead-lettered."""

from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import pytest

from gateway.audit.models import AuditEntry
from skillcert.auth import Role
from skillcert.events import AuditRecorded
from skillcert.testing import ServiceHarness, assert_problem, eventually

from ..helpers import client

AUDIT = "/api/v1/gateway/ops/audit"
STAFF = "/api/v1/gateway/staff"
OPS_ID = UUID("00000000-0000-4000-8000-00000000a0d1")


def entry(action: str = "review.case.viewed", **changes: object) -> AuditRecorded:
    values: dict[str, object] = {
        "service": action.split(".")[0],
        "kind": "view",
        "action": action,
        "actor_id": uuid4(),
        "actor_role": "reviewer",
        "actor_org": "ORG-DEMO",
        "subject_type": "application",
        "subject_id": str(uuid4()),
        "person_id": uuid4(),
        "reason": "审核报名材料",
        "at": datetime.now(UTC),
        **changes,
    }
    return AuditRecorded.model_validate(values)


async def stored(harness: ServiceHarness) -> list[AuditEntry]:
    from sqlalchemy import select

    async with harness.ctx.sessionmaker() as session:
        return list((await session.execute(select(AuditEntry))).scalars())


def ops(harness: ServiceHarness) -> dict[str, str]:
    return harness.headers(Role.OPS, account_id=OPS_ID)


class TestRecorded:
    async def test_a_staff_account_made_by_ops_is_on_the_trail(self, harness: ServiceHarness):
        made = await client(harness).post(
            STAFF,
            json={
                "username": "audit.reviewer",
                "name": "审计员",
                "role": "reviewer",
                "org_id": "ORG-DEMO",
                "password": "Staff2025x",
            },
            headers=ops(harness),
        )
        assert made.status_code == 201, made.text
        [recorded] = await harness.outbox("audit.recorded.v1")
        assert isinstance(recorded, AuditRecorded)
        assert (recorded.kind, recorded.action, recorded.actor_id, recorded.actor_role) == (
            "configuration",
            "gateway.staff_account.created",
            OPS_ID,
            "ops",
        )
        assert recorded.subject_id == made.json()["account_id"]
        assert "audit.reviewer" in recorded.reason

        await harness.deliver(recorded)
        listed = await client(harness).get(AUDIT, headers=ops(harness))
        assert listed.status_code == 200, listed.text
        [item] = listed.json()["items"]
        assert (item["action"], item["actor_id"], item["subject_id"]) == (
            "gateway.staff_account.created",
            str(OPS_ID),
            made.json()["account_id"],
        )

    async def test_an_account_made_by_sign_up_is_not_a_staff_decision(
        self, harness: ServiceHarness
    ):
        from ..helpers import register

        await register(harness, "13700000001")
        assert await harness.outbox("audit.recorded.v1") == []


class TestTrail:
    async def test_redelivery_keeps_one_entry(self, harness: ServiceHarness):
        event = entry()
        await harness.deliver(event)
        await harness.deliver(event, attempt=2)
        assert [e.event_id for e in await stored(harness)] == [event.event_id]

    async def test_newest_first_with_filters_and_pages(self, harness: ServiceHarness):
        reviewer, person = uuid4(), uuid4()
        start = datetime.now(UTC) - timedelta(hours=1)
        events = [
            entry(actor_id=reviewer, person_id=person, at=start + timedelta(minutes=i))
            for i in range(3)
        ] + [
            entry("exam-scheduling.plan.published", kind="configuration", person_id=None),
            entry("review.application.approved", kind="decision", person_id=person),
        ]
        for event in events:
            await harness.deliver(event)

        async def ids(**query: object) -> list[str]:
            response = await client(harness).get(AUDIT, params=query, headers=ops(harness))
            assert response.status_code == 200, response.text
            return [i["event_id"] for i in response.json()["items"]]

        by_reviewer = [str(e.event_id) for e in reversed(events[:3])]
        assert await ids(actor_id=str(reviewer)) == by_reviewer
        assert set(await ids(person_id=str(person))) == {
            str(e.event_id) for e in events if e.person_id == person
        }
        assert await ids(kind="configuration") == [str(events[3].event_id)]
        assert len(await ids(action="review.")) == 4
        assert await ids(action="review.application.approved") == [str(events[4].event_id)]
        window = {"since": (start + timedelta(seconds=30)).isoformat(), "actor_id": str(reviewer)}
        assert await ids(**window) == by_reviewer[:2]

        first = await client(harness).get(AUDIT, params={"limit": 2}, headers=ops(harness))
        page = first.json()
        assert len(page["items"]) == 2 and page["next_cursor"]
        rest = await client(harness).get(
            AUDIT, params={"limit": 2, "cursor": page["next_cursor"]}, headers=ops(harness)
        )
        seen = [i["event_id"] for i in page["items"] + rest.json()["items"]]
        assert len(set(seen)) == 4

    @pytest.mark.parametrize(
        ("role", "org_id"),
        [
            (Role.ORG_ADMIN, "ORG-DEMO"),
            (Role.REVIEWER, "ORG-DEMO"),
            (Role.INSTITUTION_HEAD, "4145012558"),
            (Role.PROVINCE_ADMIN, "PROV-450000"),
            (Role.CANDIDATE, None),
        ],
    )
    async def test_only_ops_read_it(self, harness: ServiceHarness, role: Role, org_id: str | None):
        await harness.deliver(entry())
        response = await client(harness).get(AUDIT, headers=harness.headers(role, org_id))
        body = assert_problem(response, 403)
        assert "items" not in body

    async def test_without_a_token_is_401(self, harness: ServiceHarness):
        assert_problem(await client(harness).get(AUDIT), 401)

    async def test_a_period_that_ends_before_it_starts_is_refused_at_until(
        self, harness: ServiceHarness
    ):
        now = datetime.now(UTC)
        response = await client(harness).get(
            AUDIT,
            params={"since": now.isoformat(), "until": (now - timedelta(days=1)).isoformat()},
            headers=ops(harness),
        )
        body = assert_problem(response, 422, "until")
        assert "结束时间" in body["errors"][0]["message"]

    async def test_a_time_without_a_zone_is_refused_at_its_field(self, harness: ServiceHarness):
        response = await client(harness).get(
            AUDIT, params={"since": "2027-01-01T08:00:00"}, headers=ops(harness)
        )
        body = assert_problem(response, 422, "since")
        assert "时区" in body["errors"][0]["message"]

    async def test_an_entry_that_cannot_be_kept_is_retried_then_dead_lettered(
        self, harness: ServiceHarness
    ):
        # An action longer than the column holds: the entry can never be stored.
        event = entry("review." + "x" * 120)
        await harness.publish(event)

        async def parked():
            letters = await harness.ctx.bus.dead_letters("gateway")
            return [d for d in letters if d.message_id == str(event.event_id)]

        letters = await eventually(parked, timeout_s=15)
        assert letters[0].attempts == 3
        assert await stored(harness) == []
