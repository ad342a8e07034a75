"""Builders for invigilation and check-in tests: a plan with a site, a room, seated
candidates and duty accounts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

from skillcert.auth import Role
from skillcert.events import AccountRegistered
from skillcert.testing import ServiceHarness

from .factories import API, INST, ORG, approved, institution_admin, org_admin, paid, scheduled_plan


@dataclass
class Exam:
    plan: dict[str, Any]
    site: dict[str, Any]
    room: dict[str, Any]
    sessions: list[dict[str, Any]]
    tickets: list[dict[str, Any]]

    @property
    def session_id(self) -> str:
        return str(self.sessions[0]["session_id"])


async def duty_account(
    harness: ServiceHarness, role: Role, org_id: str, name: str = "王监考"
) -> UUID:
    """An account the gateway made, as exam-scheduling hears of it."""
    account_id = uuid4()
    await harness.deliver(
        AccountRegistered(
            account_id=account_id, phone=None, name=name, role=role.value, org_id=org_id
        )
    )
    return account_id


async def exam(harness: ServiceHarness, seated: int = 3) -> Exam:
    """A published plan (two subjects: two sessions) with one site of INST, its one room and
    `seated` candidates scheduled there."""
    plan = await scheduled_plan(harness, (30,))
    sites = (await harness.client.get(f"{API}/sites", headers=institution_admin(harness))).json()
    [site] = sites
    response = await harness.client.get(
        f"{API}/sites/{site['id']}/rooms", headers=institution_admin(harness)
    )
    [plan_rooms] = response.json()["plans"]
    [room] = plan_rooms["rooms"]
    response = await harness.client.get(
        f"{API}/sites/{site['id']}/sessions", headers=institution_admin(harness)
    )
    assert response.status_code == 200, response.text
    tickets = []
    for i in range(seated):
        approval = approved(plan["id"], candidate_name=f"考生{i}")
        await harness.deliver(approval)
        await harness.deliver(paid(approval))
        mine = await harness.client.get(
            f"{API}/tickets/mine",
            headers=harness.headers(Role.CANDIDATE, account_id=approval.candidate_id),
        )
        [ticket] = mine.json()
        tickets.append(ticket | {"application_id": str(approval.application_id)})
    return Exam(plan, site, room, response.json(), tickets)


async def assign_invigilator(
    harness: ServiceHarness, e: Exam, account_id: UUID, session_id: str | None = None
) -> dict[str, Any]:
    response = await harness.client.post(
        f"{API}/rooms/{e.room['id']}/invigilators",
        json={"session_id": session_id or e.session_id, "account_id": str(account_id)},
        headers=institution_admin(harness),
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def assign_inspector(
    harness: ServiceHarness, e: Exam, account_id: UUID, room_ids: list[str] | None = None
) -> list[dict[str, Any]]:
    response = await harness.client.post(
        f"{API}/sites/{e.site['id']}/inspectors",
        json={
            "session_id": e.session_id,
            "account_id": str(account_id),
            "room_ids": room_ids or [],
        },
        headers=org_admin(harness),
    )
    assert response.status_code == 201, response.text
    return list(response.json())


def as_invigilator(harness: ServiceHarness, account_id: UUID, org_id: str = INST) -> dict:
    return harness.headers(Role.INVIGILATOR, org_id=org_id, account_id=account_id)


def as_inspector(harness: ServiceHarness, account_id: UUID, org_id: str = ORG) -> dict:
    return harness.headers(Role.INSPECTOR, org_id=org_id, account_id=account_id)


def mark(ticket_number: str, status: str = "present", at: datetime | None = None) -> dict:
    return {
        "id": str(uuid4()),
        "ticket_number": ticket_number,
        "status": status,
        "marked_at": (at or datetime.now(UTC)).isoformat(),
    }
