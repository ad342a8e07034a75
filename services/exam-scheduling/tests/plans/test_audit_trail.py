"""The organisation's plan changes and site decisions on the platform's audit trail
(skillcert.audit): created, published, windows moved, cancelled, each a `configuration` entry
of the admin who did it; a site approved or rejected a `decision`; a refused change records
nothing."""

from uuid import UUID

from skillcert.auth import Role
from skillcert.events import AuditRecorded
from skillcert.testing import ServiceHarness, assert_problem

from ..factories import API, ORG, create_plan, create_site, future_windows, plan_payload

ADMIN = UUID("00000000-0000-4000-8000-0000000000a1")


def admin(harness: ServiceHarness, org_id: str = ORG) -> dict[str, str]:
    return harness.headers(Role.ORG_ADMIN, org_id=org_id, account_id=ADMIN)


async def trail(harness: ServiceHarness) -> list[AuditRecorded]:
    return [e for e in await harness.outbox("audit.recorded.v1") if isinstance(e, AuditRecorded)]


async def test_every_change_of_a_plan_is_an_entry_of_its_admin(harness: ServiceHarness):
    created = await harness.client.post(
        f"{API}/plans", json=plan_payload(**future_windows()), headers=admin(harness)
    )
    assert created.status_code == 201, created.text
    plan = created.json()
    base = f"{API}/plans/{plan['id']}"
    published = await harness.client.post(f"{base}/publish", headers=admin(harness))
    assert published.status_code == 200, published.text
    moved = await harness.client.put(
        f"{base}/windows", json=future_windows(), headers=admin(harness)
    )
    assert moved.status_code == 200, moved.text
    cancelled = await harness.client.post(
        f"{base}/cancel", json={"reason": "场地不可用"}, headers=admin(harness)
    )
    assert cancelled.status_code == 200, cancelled.text

    entries = await trail(harness)
    assert [e.action for e in entries] == [
        "exam-scheduling.plan.created",
        "exam-scheduling.plan.published",
        "exam-scheduling.plan.windows_changed",
        "exam-scheduling.plan.cancelled",
    ]
    assert {(e.kind, e.actor_id, e.actor_org, e.subject_id) for e in entries} == {
        ("configuration", ADMIN, ORG, plan["id"])
    }
    assert plan["number"] in entries[0].reason and "场地不可用" in entries[-1].reason


async def test_another_organisations_change_is_refused_and_not_recorded(
    harness: ServiceHarness,
):
    plan = await create_plan(harness, **future_windows())
    before = len(await trail(harness))
    response = await harness.client.post(
        f"{API}/plans/{plan['id']}/publish", headers=admin(harness, "ORG-OTHER")
    )
    assert_problem(response, 404)
    assert len(await trail(harness)) == before


async def test_a_site_decision_is_an_entry_with_its_reason(harness: ServiceHarness):
    approved = await create_site(harness, name="甲考核站点", approve=False)
    rejected = await create_site(harness, name="乙考核站点", approve=False)
    ok = await harness.client.post(f"{API}/sites/{approved['id']}/approve", headers=admin(harness))
    assert ok.status_code == 200, ok.text
    no = await harness.client.post(
        f"{API}/sites/{rejected['id']}/reject",
        json={"reason": "实训设备不足"},
        headers=admin(harness),
    )
    assert no.status_code == 200, no.text
    entries = {e.subject_id: e for e in await trail(harness)}
    assert (entries[approved["id"]].kind, entries[approved["id"]].action) == (
        "decision",
        "exam-scheduling.site.approved",
    )
    assert entries[rejected["id"]].action == "exam-scheduling.site.rejected"
    assert "实训设备不足" in entries[rejected["id"]].reason
    assert entries[rejected["id"]].actor_id == ADMIN
