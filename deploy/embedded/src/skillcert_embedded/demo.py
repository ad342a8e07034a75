"""Demo data, created through the public API exactly as staff would: an approved exam site of
the demo institution with rooms for an exam plan open for registration."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

log = logging.getLogger("skillcert.demo")

DEMO_ORG = "ORG-DEMO"
DEMO_INSTITUTION = "INST-DEMO"
DEMO_INSTITUTION_NAME = "示例职业技术学院"
DEMO_PLAN_TITLE = "2026年第四期电子商务师一级（高级技师）职业技能等级认定"

#: demo staff usernames (the gateway seeds them; the password is the demo password)
STAFF = {
    "org_admin": "org.admin",
    "reviewer": "org.reviewer",
    "institution_admin": "inst.admin",
    "institution_head": "inst.head",
    "province_admin": "province.admin",
    "ops": "ops",
}


async def login(client: httpx.AsyncClient, username: str, password: str) -> dict[str, str]:
    response = await client.post(
        "/api/v1/gateway/sessions", json={"login": username, "password": password}
    )
    response.raise_for_status()
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def plan_payload(title: str = DEMO_PLAN_TITLE) -> dict[str, Any]:
    now = datetime.now(UTC).replace(microsecond=0)
    exam = now + timedelta(days=30)
    return {
        "title": title,
        "occupation_code": "4-01-02-02",
        "level": 1,
        "registration_opens_at": (now - timedelta(days=1)).isoformat(),
        "registration_closes_at": (now + timedelta(days=14)).isoformat(),
        "exam_starts_at": exam.isoformat(),
        "exam_ends_at": (exam + timedelta(hours=3)).isoformat(),
        "fee_fen": 30000,
        "subjects": [
            {"code": "T01", "name": "理论知识", "method": "computer", "pass_score": 60},
            {"code": "P01", "name": "操作技能", "method": "practical", "pass_score": 60},
        ],
        "conditions": [
            {
                "code": "L2_PLUS_4Y",
                "title": "取得本职业或相关职业二级/技师证书后，累计从事本职业工作满4年",
                "prior_level": 2,
                "min_years_after_prior": 4,
                "related_from_catalogue": True,
                "required_materials": ["photo"],
            }
        ],
    }


def site_payload() -> dict[str, Any]:
    """The demo institution's application for an exam site (申报考核站点) to the demo org."""
    return {
        "name": f"{DEMO_INSTITUTION_NAME}电子商务师考核站点",
        "org_id": DEMO_ORG,
        "institution_name": DEMO_INSTITUTION_NAME,
        "province_code": "450000",
        "city_code": "450100",
        "county_code": "450103",
        "address": "广西南宁市青秀区示例路1号",
        "description": "计算机房两间，每间30个机位，配备监控与备用电源",
        "contact_name": "李老师",
        "contact_phone": "13800138000",
        "contact_email": "exam@example.edu.cn",
        "certificates": [{"occupation_code": "4-01-02-02", "level": 1}],
    }


async def create_open_plan(
    client: httpx.AsyncClient,
    org_headers: dict[str, str],
    institution_headers: dict[str, str],
    title: str = DEMO_PLAN_TITLE,
) -> dict[str, Any]:
    """The demo institution applies for an exam site, the organisation approves it, opens a
    plan using it, the institution sets up two rooms for that exam, and the plan is published."""
    site = await client.post(
        "/api/v1/exam-scheduling/sites", json=site_payload(), headers=institution_headers
    )
    site.raise_for_status()
    site_id = site.json()["id"]
    approved = await client.post(
        f"/api/v1/exam-scheduling/sites/{site_id}/approve", headers=org_headers
    )
    approved.raise_for_status()
    plan = await client.post(
        "/api/v1/exam-scheduling/plans", json=plan_payload(title), headers=org_headers
    )
    plan.raise_for_status()
    plan_id = plan.json()["id"]
    attached = await client.post(
        f"/api/v1/exam-scheduling/plans/{plan_id}/sites",
        json={"site_ids": [site_id]},
        headers=org_headers,
    )
    attached.raise_for_status()
    for number, room in enumerate(("第一考场", "第二考场"), start=1):
        created = await client.post(
            f"/api/v1/exam-scheduling/sites/{site_id}/rooms",
            json={
                "plan_id": plan_id,
                "name": room,
                "room_type": "computer",
                "capacity": 30,
                "address": f"广西南宁市青秀区示例路1号实训楼{number}层10{number}室",
            },
            headers=institution_headers,
        )
        created.raise_for_status()
    published = await client.post(
        f"/api/v1/exam-scheduling/plans/{plan_id}/publish", headers=org_headers
    )
    published.raise_for_status()
    result: dict[str, Any] = published.json()
    return result


async def seed_demo(base_url: str, password: str) -> None:
    """Create the demo plan once; later starts find it and do nothing."""
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
        org = await login(client, STAFF["org_admin"], password)
        existing = await client.get("/api/v1/exam-scheduling/plans", headers=org)
        existing.raise_for_status()
        if any(p["title"] == DEMO_PLAN_TITLE for p in existing.json()["items"]):
            return
        institution = await login(client, STAFF["institution_admin"], password)
        plan = await create_open_plan(client, org, institution)
        log.info("demo exam plan published: %s", plan["title"])
