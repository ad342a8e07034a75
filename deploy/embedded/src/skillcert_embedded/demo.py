"""Demo data, created through the public API exactly as staff would: an approved exam site of
the demo institution with rooms for an exam plan open for registration; and a pilot institution
with an approved quota (指标) for the plan's certificate: the province (Jiangsu, `province.js`)
publishes this year's pilot plan, an institution of the official list signs up, applies and is
approved, and its admin `pilot.admin` (the demo password) may register students for the plan
(报考管理)."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from skillcert.clock import CHINA

log = logging.getLogger("skillcert.demo")

DEMO_ORG = "ORG-DEMO"
#: the demo institution: an entry of the sample directory in the demo province (广西, the
#: province.admin's PROV-GX), the org of the gateway's demo accounts inst.head and inst.admin
DEMO_INSTITUTION = "4145012558"
DEMO_INSTITUTION_NAME = "柳州职业技术大学"
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

#: the demo's pilot institution: an institution of the official list in the demo's second
#: province, and its admin (who logs in with the demo password)
PILOT_PROVINCE_ADMIN = "province.js"
PILOT_INSTITUTION = {
    "province": "320000",
    "city": "320500",
    "institution_code": "4132012688",
    "institution_name": "苏州工业园区职业技术学院",
}
PILOT_HEAD_PHONE = "13700009901"
PILOT_ADMIN = "pilot.admin"
PILOT_CERTIFICATE = "4-01-02-02"  # the demo plan's occupation code
PILOT_QUOTA = 40


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


async def _sms(client: httpx.AsyncClient, ops: dict[str, str], phone: str, template: str) -> str:
    """The newest SMS of a template to a phone in the development outbox, waiting for it."""
    for _ in range(150):
        response = await client.get(
            "/api/v1/notification/dev/sms", params={"phone": phone}, headers=ops
        )
        response.raise_for_status()
        bodies = [m["body"] for m in response.json() if m["template_code"] == template]
        if bodies:
            return str(bodies[-1])
        await asyncio.sleep(0.2)
    raise RuntimeError(f"no {template} SMS to {phone}")


async def sign_up_pilot_institution(
    client: httpx.AsyncClient, ops: dict[str, str], password: str
) -> dict[str, str]:
    """注册账号 as an institution does (SMS code, phone proof, sign-up); the head, who gets
    the password by SMS, creates the admin `pilot.admin` with the demo password and completes
    the base info. Returns the head's headers."""
    phone = PILOT_HEAD_PHONE
    sent = await client.post(
        "/api/v1/gateway/sms-codes", json={"phone": phone, "purpose": "register"}
    )
    sent.raise_for_status()
    code = "".join(c for c in await _sms(client, ops, phone, "sms_code") if c.isdigit())[:6]
    proof = await client.post("/api/v1/gateway/phone-proofs", json={"phone": phone, "code": code})
    proof.raise_for_status()
    signed_up = await client.post(
        "/api/v1/institution/sign-ups",
        json={**PILOT_INSTITUTION, "phone_proof": proof.json()["phone_proof"]},
    )
    signed_up.raise_for_status()
    credentials = await _sms(client, ops, phone, "account_credentials")
    head_password = credentials.split("初始密码：")[1].split("，")[0]
    head = await login(client, signed_up.json()["username"], head_password)
    admin = await client.post(
        "/api/v1/gateway/institution-admins",
        json={"username": PILOT_ADMIN, "name": "试点院校管理员（示例）", "password": password},
        headers=head,
    )
    admin.raise_for_status()
    base_info = await client.put(
        "/api/v1/institution/base-info",
        json={
            "type": "高职院校",
            "credit_code": "91110000600037341L",
            "website": "https://www.sipivt.edu.cn",
            "education_department": "江苏省教育厅",
            "address": {
                "province": "320000",
                "city": "320500",
                "county": "320506",
                "street": "苏州工业园区若水路1号（示例）",
            },
            "contact_name": "陈老师",
            "contact_phone": "17600086573",
            "contact_email": "chen@example.edu.cn",
        },
        headers=head,
    )
    base_info.raise_for_status()
    return head


async def seed_pilot(client: httpx.AsyncClient, password: str) -> None:
    """The province's pilot plan of this year with an open batch for the demo certificate,
    and the pilot institution's application approved with a quota; once (a later start finds
    the province's plan of the year and does nothing)."""
    province = await login(client, PILOT_PROVINCE_ADMIN, password)
    now = datetime.now(UTC).replace(microsecond=0)
    year = now.astimezone(CHINA).year
    existing = await client.get(
        "/api/v1/institution/pilot/plans", params={"year": year}, headers=province
    )
    existing.raise_for_status()
    if existing.json():
        return
    ops = await login(client, STAFF["ops"], password)
    head = await sign_up_pilot_institution(client, ops, password)
    plan = await client.post(
        "/api/v1/institution/pilot/plans",
        json={
            "year": year,
            "title": f"{year}年江苏省1+X证书试点申报计划（示例）",
            "batches": [
                {
                    "name": f"{year}年第一批",
                    "opens_at": (now - timedelta(days=1)).isoformat(),
                    "closes_at": (now + timedelta(days=30)).isoformat(),
                    "certificate_codes": [PILOT_CERTIFICATE],
                    "majors_required": False,
                    "city_review_first": False,
                }
            ],
        },
        headers=province,
    )
    plan.raise_for_status()
    application = await client.post(
        "/api/v1/institution/pilot/applications",
        json={
            "batch_id": plan.json()["batches"][0]["id"],
            "certificate_code": PILOT_CERTIFICATE,
            "planned_headcount": 50,
            "teachers": "<p>专任教师 10 人，其中双师型教师 6 人</p>",
            "venue": "<p>电子商务实训室 2 间，工位 80 个</p>",
        },
        headers=head,
    )
    application.raise_for_status()
    application_id = application.json()["id"]
    submitted = await client.post(
        f"/api/v1/institution/pilot/applications/{application_id}/submit",
        json={"confirmed": True},
        headers=head,
    )
    submitted.raise_for_status()
    approved = await client.post(
        f"/api/v1/institution/pilot/applications/{application_id}/decisions",
        json={"outcome": "approved", "approved_headcount": PILOT_QUOTA},
        headers=province,
    )
    approved.raise_for_status()
    log.info(
        "demo pilot institution %s approved for %d students (login %s)",
        PILOT_INSTITUTION["institution_name"],
        PILOT_QUOTA,
        PILOT_ADMIN,
    )


async def assign_demo_duties(
    client: httpx.AsyncClient, org: dict[str, str], institution: dict[str, str]
) -> None:
    """The demo invigilator (`inv.demo`) in the demo site's first room and the demo inspector
    (`insp.demo`) over the whole site, for the demo plan's first session; once."""
    plans = await client.get("/api/v1/exam-scheduling/plans", headers=org)
    plans.raise_for_status()
    plan = next((p for p in plans.json()["items"] if p["title"] == DEMO_PLAN_TITLE), None)
    if plan is None:
        return
    detail = await client.get(f"/api/v1/exam-scheduling/plans/{plan['id']}", headers=org)
    detail.raise_for_status()
    site_id = detail.json()["sites"][0]["site_id"]
    sessions = await client.get(
        f"/api/v1/exam-scheduling/sites/{site_id}/sessions", headers=institution
    )
    sessions.raise_for_status()
    session_id = next(s["session_id"] for s in sessions.json() if s["plan_id"] == plan["id"])
    rooms = await client.get(f"/api/v1/exam-scheduling/sites/{site_id}/rooms", headers=institution)
    rooms.raise_for_status()
    [for_plan] = [p for p in rooms.json()["plans"] if p["plan_id"] == plan["id"]]
    room_id = min(for_plan["rooms"], key=lambda r: r["number"])["id"]
    if (
        await client.get(
            f"/api/v1/exam-scheduling/rooms/{room_id}/invigilators", headers=institution
        )
    ).json():
        return
    # The accounts reach exam-scheduling by an event: wait for them to be assignable.
    invigilator = inspector = None
    for _ in range(150):
        invigilators = await client.get(
            "/api/v1/exam-scheduling/duty-accounts/invigilators", headers=institution
        )
        inspectors = await client.get(
            "/api/v1/exam-scheduling/duty-accounts/inspectors", headers=org
        )
        invigilator = next((a for a in invigilators.json() if a["name"] == "示例监考员"), None)
        inspector = next((a for a in inspectors.json() if a["name"] == "示例巡考员"), None)
        if invigilator and inspector:
            break
        await asyncio.sleep(0.2)
    if not (invigilator and inspector):
        raise RuntimeError("the demo invigilator and inspector accounts did not arrive")
    made = await client.post(
        f"/api/v1/exam-scheduling/rooms/{room_id}/invigilators",
        json={"session_id": session_id, "account_id": invigilator["account_id"]},
        headers=institution,
    )
    made.raise_for_status()
    made = await client.post(
        f"/api/v1/exam-scheduling/sites/{site_id}/inspectors",
        json={"session_id": session_id, "account_id": inspector["account_id"], "room_ids": []},
        headers=org,
    )
    made.raise_for_status()


async def seed_demo(base_url: str, password: str) -> None:
    """Create the demo plan and the pilot institution once; later starts find them and do
    nothing."""
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
        org = await login(client, STAFF["org_admin"], password)
        existing = await client.get("/api/v1/exam-scheduling/plans", headers=org)
        existing.raise_for_status()
        if not any(p["title"] == DEMO_PLAN_TITLE for p in existing.json()["items"]):
            institution = await login(client, STAFF["institution_admin"], password)
            plan = await create_open_plan(client, org, institution)
            log.info("demo exam plan published: %s", plan["title"])
        await seed_pilot(client, password)
        institution = await login(client, STAFF["institution_admin"], password)
        await assign_demo_duties(client, org, institution)
