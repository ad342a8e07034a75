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


def site_payload(**overrides: Any) -> dict[str, Any]:
    """An application for an exam site (申报考核站点) to ORG for the e-commerce level-1 exam."""
    payload: dict[str, Any] = {
        "name": "示例职业技术学院电子商务考核站点",
        "org_id": ORG,
        "institution_name": "示例职业技术学院",
        "province_code": "110000",
        "city_code": "110100",
        "county_code": "110108",
        "address": "北京市海淀区示例路1号",
        "description": "机房三间、实训室一间，可同时容纳120人考试",
        "contact_name": "王老师",
        "contact_phone": "13800138000",
        "contact_email": "exam@example.edu.cn",
        "certificates": [{"occupation_code": ECOMMERCE, "level": 1}],
    }
    payload.update(overrides)
    return payload


def institution_admin(harness: ServiceHarness, org_id: str = INST) -> dict[str, str]:
    return harness.headers(Role.INSTITUTION_ADMIN, org_id=org_id)


def room_payload(plan_id: str, **overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "plan_id": plan_id,
        "name": "1号机房",
        "room_type": "computer",
        "capacity": 30,
        "address": "北京市海淀区示例路1号实训楼3层301室",
    }
    payload.update(overrides)
    return payload


async def create_site(
    harness: ServiceHarness,
    name: str = "示例职业技术学院电子商务考核站点",
    rooms: tuple = (),
    *,
    plan: dict | None = None,
    institution: str = INST,
    approve: bool = True,
) -> dict:
    """An exam site of `institution` applied for to ORG and (by default) approved; given a
    `plan`, attached to it with `rooms` (capacities) set up for it."""
    response = await harness.client.post(
        f"{API}/sites",
        json=site_payload(name=name),
        headers=institution_admin(harness, institution),
    )
    assert response.status_code == 201, response.text
    site = response.json()
    if approve:
        response = await harness.client.post(
            f"{API}/sites/{site['id']}/approve", headers=org_admin(harness)
        )
        assert response.status_code == 200, response.text
        site = response.json()
    if plan is not None:
        response = await harness.client.post(
            f"{API}/plans/{plan['id']}/sites",
            json={"site_ids": [site["id"]]},
            headers=org_admin(harness),
        )
        assert response.status_code == 200, response.text
        await add_rooms(harness, site["id"], plan["id"], rooms, institution=institution)
    else:
        assert not rooms, "rooms are set up per plan: pass the plan"
    return site


async def add_rooms(
    harness: ServiceHarness,
    site_id: str,
    plan_id: str,
    capacities: tuple,
    *,
    institution: str = INST,
    first: int = 1,
) -> list[dict]:
    rooms = []
    for i, capacity in enumerate(capacities, start=first):
        room = await harness.client.post(
            f"{API}/sites/{site_id}/rooms",
            json=room_payload(plan_id, name=f"{i}号机房", capacity=capacity),
            headers=institution_admin(harness, institution),
        )
        assert room.status_code == 201, room.text
        rooms.append(room.json())
    return rooms


async def scheduled_plan(harness: ServiceHarness, *site_rooms: tuple) -> dict:
    """A published plan with one site per entry of `site_rooms` (room capacities)."""
    plan = await create_plan(harness)
    for i, rooms in enumerate(site_rooms):
        await create_site(harness, f"考点{i}", rooms, plan=plan)
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
