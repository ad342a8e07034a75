"""Builders for the tests: valid payloads and the HTTP steps most tests start from."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import func, select

from skillcert.auth import Role
from skillcert.events import ApplicationApproved, OrderPaid
from skillcert.testing import ServiceHarness

API = "/api/v1/exam-scheduling"
ORG = "ORG-DEMO"
INST = "INST-DEMO"
ECOMMERCE = "4-01-02-02"
SUPPLY_CHAIN = "4-02-06-05"
INTERNET_MARKETING = "4-01-02-07"
MARKETER = "4-01-02-01"  # 营销员

OPENS = datetime(2026, 3, 1, 0, 0, tzinfo=UTC)


def plan_payload(**overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "title": "2026年第一批电子商务师一级认定",
        "occupation_code": ECOMMERCE,
        "level": 1,
        "registration_opens_at": OPENS.isoformat(),
        "registration_closes_at": (OPENS + timedelta(days=30)).isoformat(),
        "exam_starts_at": "2026-05-16T09:00:00+08:00",
        "exam_ends_at": "2026-05-16T11:00:00+08:00",
        "fee_fen": 48000,
        "requires_mail_in": True,
        "subjects": [
            {"code": "T1", "name": "理论知识", "method": "computer"},
            {
                "code": "P1",
                "name": "专业能力",
                "method": "practical",
                "full_score": "100",
                "pass_score": "60",
            },
        ],
        "conditions": [
            {
                "code": "L2+5Y",
                "title": "取得本职业或相关职业二级/技师证书后，累计从事本职业或相关工作满5年",
                "prior_level": 2,
                "min_years_after_prior": 5,
                "related_occupations": [MARKETER, INTERNET_MARKETING],
                "required_materials": ["id_front", "id_back", "photo", "prior_certificate"],
            }
        ],
    }
    payload.update(overrides)
    return payload


def future_windows() -> dict[str, str]:
    """Windows around now: registration open, the exam a month ahead (cancellable)."""
    now = datetime.now(UTC).replace(microsecond=0)
    return {
        "registration_opens_at": (now - timedelta(days=1)).isoformat(),
        "registration_closes_at": (now + timedelta(days=10)).isoformat(),
        "exam_starts_at": (now + timedelta(days=30)).isoformat(),
        "exam_ends_at": (now + timedelta(days=30, hours=3)).isoformat(),
    }


def org_admin(harness: ServiceHarness, org_id: str = ORG) -> dict[str, str]:
    return harness.headers(Role.ORG_ADMIN, org_id=org_id)


async def create_plan(harness: ServiceHarness, org_id: str = ORG, **overrides: Any) -> dict:
    response = await harness.client.post(
        f"{API}/plans", json=plan_payload(**overrides), headers=org_admin(harness, org_id)
    )
    assert response.status_code == 201, response.text
    return response.json()


async def create_site(
    harness: ServiceHarness, name: str = "示例职业技术学院电子商务考核站点", rooms: tuple = ()
) -> dict:
    headers = harness.headers(Role.INSTITUTION_ADMIN, org_id=INST)
    response = await harness.client.post(
        f"{API}/sites",
        json={
            "name": name,
            "address": "北京市海淀区示例路1号",
            "institution_name": "示例职业技术学院",
        },
        headers=headers,
    )
    assert response.status_code == 201, response.text
    site = response.json()
    for i, capacity in enumerate(rooms, start=1):
        room = await harness.client.post(
            f"{API}/sites/{site['id']}/rooms",
            json={"name": f"{i}号机房", "capacity": capacity},
            headers=headers,
        )
        assert room.status_code == 201, room.text
    return site


async def scheduled_plan(harness: ServiceHarness, *site_rooms: tuple) -> dict:
    """A published plan with one site per entry of `site_rooms` (room capacities)."""
    plan = await create_plan(harness)
    sites = [await create_site(harness, f"考点{i}", rooms) for i, rooms in enumerate(site_rooms)]
    if sites:
        response = await harness.client.post(
            f"{API}/plans/{plan['id']}/sites",
            json={"site_ids": [s["id"] for s in sites]},
            headers=org_admin(harness),
        )
        assert response.status_code == 200, response.text
    response = await harness.client.post(
        f"{API}/plans/{plan['id']}/publish", headers=org_admin(harness)
    )
    assert response.status_code == 200, response.text
    return response.json()


def approved(
    plan_id: UUID | str, candidate_id: UUID | None = None, **kw: Any
) -> ApplicationApproved:
    values: dict[str, Any] = {
        "application_id": uuid4(),
        "candidate_id": candidate_id or uuid4(),
        "plan_id": UUID(str(plan_id)),
        "revision": 1,
        "candidate_name": "张三",
        "id_number": "110101199003074514",
        "decided_at": datetime.now(UTC),
    }
    values.update(kw)
    return ApplicationApproved(**values)


def paid(approval: ApplicationApproved) -> OrderPaid:
    return OrderPaid(
        order_id=uuid4(),
        application_id=approval.application_id,
        candidate_id=approval.candidate_id,
        plan_id=approval.plan_id,
        amount_fen=48000,
        provider_transaction_id=f"4200{uuid4().hex[:20]}",
        paid_at=datetime.now(UTC),
    )


async def count(harness: ServiceHarness, model: type) -> int:
    async with harness.ctx.sessionmaker() as session:
        return int((await session.execute(select(func.count()).select_from(model))).scalar_one())
