"""What the pilot tests share: a province's plan with open batches, institutions whose base
info is complete, and callers from every side."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import update

from institution.pilot.models import PilotBatch
from institution.profile.models import InstitutionProfile
from skillcert.auth import Role
from skillcert.testing import ServiceHarness

BASE = "/api/v1/institution/pilot"
JS = "PROV-JS"  # 江苏省 320000
GX = "PROV-GX"
NJ_POLY = "4132012804"  # 南京工业职业技术大学, 南京 320100
NJ_INFO = "4132013108"  # 南京信息职业技术学院, 南京 320100
SZ_POLY = "4132012688"  # 苏州工业园区职业技术学院, 苏州 320500
GXU = "4145010593"  # 广西大学
NANJING = "CITY-320100"
SUZHOU = "CITY-320500"
ECOMMERCE = "4-01-02-02"
SUPPLY_CHAIN = "4-02-06-05"
INTERNET_MARKETING = "4-01-02-07"


def now() -> datetime:
    return datetime.now(UTC)


def province(harness: ServiceHarness, org: str = JS) -> dict[str, str]:
    return harness.headers(Role.PROVINCE_ADMIN, org_id=org)


def city(harness: ServiceHarness, org: str = NANJING) -> dict[str, str]:
    return harness.headers(Role.CITY_REVIEWER, org_id=org)


def staff(
    harness: ServiceHarness, org: str = NJ_POLY, role: Role = Role.INSTITUTION_HEAD
) -> dict[str, str]:
    return harness.headers(role, org_id=org)


def batch_body(
    name: str = "2026年第一次",
    *,
    certificates: tuple[str, ...] = (ECOMMERCE, SUPPLY_CHAIN),
    majors_required: bool = True,
    city_review_first: bool = False,
    opens: timedelta = timedelta(days=-1),
    closes: timedelta = timedelta(days=10),
) -> dict[str, Any]:
    return {
        "name": name,
        "opens_at": (now() + opens).isoformat(),
        "closes_at": (now() + closes).isoformat(),
        "certificate_codes": list(certificates),
        "majors_required": majors_required,
        "city_review_first": city_review_first,
    }


def plan_body(year: int = 2026, *batches: dict[str, Any]) -> dict[str, Any]:
    return {
        "year": year,
        "title": f"江苏省{year}年1+X证书试点申报计划",
        "batches": list(batches) or [batch_body()],
    }


async def publish_plan(harness: ServiceHarness) -> dict[str, Any]:
    """Two open batches: the first straight to the province, the second through the city."""
    body = plan_body(
        2026,
        batch_body(),
        batch_body(
            "2026年第二次",
            certificates=(INTERNET_MARKETING,),
            majors_required=False,
            city_review_first=True,
        ),
    )
    response = await harness.client.post(f"{BASE}/plans", json=body, headers=province(harness))
    assert response.status_code == 201, response.text
    plan: dict[str, Any] = response.json()
    return plan


def batch_of(plan: dict[str, Any], name: str) -> str:
    return str(next(b["id"] for b in plan["batches"] if b["name"] == name))


async def complete_base_info(harness: ServiceHarness, *codes: str) -> None:
    async with harness.ctx.sessionmaker() as session:
        for code in codes:
            session.add(
                InstitutionProfile(
                    institution_code=code,
                    type="高职院校",
                    credit_code="91110000600037341L",
                    website=None,
                    education_department="江苏省教育厅",
                    province="320000",
                    city="320100",
                    county="320102",
                    street="示例路1号",
                    contact_name="李老师",
                    contact_phone="13800138000",
                    contact_email="li@example.edu.cn",
                    updated_at=now(),
                )
            )
        await session.commit()


def application_body(batch_id: str, **changes: Any) -> dict[str, Any]:
    return {
        "batch_id": batch_id,
        "certificate_code": ECOMMERCE,
        "majors": ["530701", "530702"],
        "planned_headcount": 120,
        "teachers": "<p>专任教师<strong>12</strong>名，其中双师型8名</p>",
        "venue": "<p>电子商务实训室3间，工位150个</p>",
    } | changes


async def draft(
    harness: ServiceHarness, batch_id: str, org: str = NJ_POLY, **changes: Any
) -> dict[str, Any]:
    response = await harness.client.post(
        f"{BASE}/applications",
        json=application_body(batch_id, **changes),
        headers=staff(harness, org),
    )
    assert response.status_code == 201, response.text
    application: dict[str, Any] = response.json()
    return application


async def submit(
    harness: ServiceHarness, application_id: str, org: str = NJ_POLY
) -> httpx.Response:
    return await harness.client.post(
        f"{BASE}/applications/{application_id}/submit",
        json={"confirmed": True},
        headers=staff(harness, org),
    )


async def decide(
    harness: ServiceHarness, application_id: str, headers: dict[str, str], **body: Any
) -> httpx.Response:
    return await harness.client.post(
        f"{BASE}/applications/{application_id}/decisions", json=body, headers=headers
    )


async def close_batches(harness: ServiceHarness) -> None:
    async with harness.ctx.sessionmaker() as session:
        await session.execute(update(PilotBatch).values(closes_at=now() - timedelta(minutes=1)))
        await session.commit()
