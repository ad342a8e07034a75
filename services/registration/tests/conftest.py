import io
import random
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest
from PIL import Image
from stdnum.cn import ric

from registration.applications.models import Application
from registration.main import build_spec
from skillcert.auth import Role
from skillcert.events import ExamPlanPublished, PlanCondition, PlanSubject
from skillcert.testing import ServiceHarness

API = "/api/v1/registration"
BIRTH = date(1990, 3, 7)


def resident_id(birth: date = BIRTH, male: bool = True, area: str = "110101") -> str:
    """A resident ID number with a correct check digit (odd sequence digit = male)."""
    body = f"{area}{birth:%Y%m%d}{451 if male else 452}"
    return body + ric.calc_check_digit(body + "0")


def _noise_image(width: int, height: int, seed: int = 7) -> Image.Image:
    rnd = random.Random(seed)
    return Image.frombytes("RGB", (width, height), rnd.randbytes(width * height * 3))


def portrait(
    share: float,
    size: tuple[int, int] = (358, 441),
    background: tuple[int, int, int] = (255, 255, 255),
) -> Image.Image:
    """An ID-photo-like image: a plain background and a noisy "person" of `share` of the
    width, from 15 % down to the bottom edge (shoulders touch it), clear of the border band."""
    width, height = size
    image = Image.new("RGB", size, background)
    person_w = max(8, int(width * share))
    person = _noise_image(person_w, height - int(height * 0.15))
    image.paste(person, ((width - person_w) // 2, int(height * 0.15)))
    return image


@cache
def jpeg_between(
    low_kb: float,
    high_kb: float,
    size: tuple[int, int] = (358, 441),
    background: tuple[int, int, int] = (255, 255, 255),
) -> bytes:
    """A real JPEG photo of `size` whose file size lies in [low_kb, high_kb] KB; by default a
    white-background portrait that passes the ID-photo checks."""
    for quality in (95, 85, 75, 60, 45, 30, 15):
        for step in range(2, 19):
            buffer = io.BytesIO()
            portrait(step / 20, size, background).save(buffer, "JPEG", quality=quality)
            data = buffer.getvalue()
            if low_kb * 1024 <= len(data) <= high_kb * 1024:
                return data
    raise AssertionError("no JPEG size found")


@cache
def noise_jpeg(low_kb: float, high_kb: float) -> bytes:
    """A real JPEG of ID-photo shape in the size range that is all noise: no background."""
    for quality in range(95, 0, -5):
        buffer = io.BytesIO()
        _noise_image(358, 441).save(buffer, "JPEG", quality=quality)
        data = buffer.getvalue()
        if low_kb * 1024 <= len(data) <= high_kb * 1024:
            return data
    raise AssertionError("no JPEG size found")


@cache
def png_between(low_kb: float, high_kb: float) -> bytes:
    for side in range(64, 800, 4):
        buffer = io.BytesIO()
        _noise_image(side, side).save(buffer, "PNG")
        data = buffer.getvalue()
        if low_kb * 1024 <= len(data) <= high_kb * 1024:
            return data
    raise AssertionError("no PNG size found")


def plan_event(plan_id: UUID | None = None, **overrides: Any) -> ExamPlanPublished:
    now = datetime.now(UTC)
    values: dict[str, Any] = {
        "plan_id": plan_id or uuid4(),
        "org_id": "ORG-DEMO",
        "org_name": "示例培训评价组织",
        "title": "2026年第1批 电子商务师（一级）",
        "occupation_code": "4-01-02-02",
        "occupation_name": "电子商务师",
        "level": 1,
        "level_name": "一级/高级技师",
        "registration_opens_at": now - timedelta(days=1),
        "registration_closes_at": now + timedelta(days=5),
        "exam_starts_at": now + timedelta(days=20),
        "exam_ends_at": now + timedelta(days=20, hours=3),
        "fee_fen": 38000,
        "subjects": [
            PlanSubject(code="T", name="理论知识", method="computer"),
            PlanSubject(code="P", name="操作技能", method="practical"),
        ],
        "conditions": [
            PlanCondition(
                code="L1-A",
                title="取得本职业或相关职业二级/技师证书后，累计从事本职业或相关职业工作满4年",
                prior_level=2,
                min_years_after_prior=4,
                required_materials=["photo", "application_form"],
            ),
            PlanCondition(code="L1-B", title="仅需照片的条件（测试用）"),
        ],
    }
    values.update(overrides)
    return ExamPlanPublished(**values)


BASIC_INFO = {
    "name": "张三",
    "gender": "male",
    "birth_date": BIRTH.isoformat(),
    "ethnic_group": "汉族",
    "political_status": "群众",
    "education": "本科",
    "mobile": "13812345678",
    "landline": "010-62345678",
    "email": "zhangsan@example.com",
    "postal_code": "100010",
    "assessment_category": "考核鉴定",
    "candidate_source": "社会人员",
}

WORK_HISTORY = [
    {
        "from_month": "2012-07",
        "to_month": "2016-03",
        "unit": "潍坊示例商贸有限公司",
        "post": "网店运营",
        "referee": "李四",
        "referee_phone": "13912345678",
    },
    {
        "from_month": "2016-03",
        "to_month": None,
        "unit": "示例电子商务有限公司",
        "post": "电商运营主管",
        "referee": "王五",
        "referee_phone": "0536-8123456",
    },
]

REGISTRATION_INFO: dict[str, Any] = {
    "id_type": "resident_id",
    "id_number": resident_id(),
    "registering_unit": "示例电子商务有限公司",
    "work_unit": "示例电子商务有限公司",
    "years_worked": 6,
    "enterprise_type": "有限责任公司",
    "hukou": {"province": "370000", "city": "370700", "county": "370702"},
    "residence": {
        "province": "110000",
        "city": "110100",
        "county": "110108",
        "address": "中关村大街1号",
    },
    "work_unit_address": {
        "province": "110000",
        "city": "110100",
        "county": "110105",
        "address": "建国路88号",
    },
    "work_history": WORK_HISTORY,
}

PRIOR_CERTIFICATE = {
    "occupation_code": "4-01-02-02",
    "level": 2,
    "certificate_number": "Y000044000000123",
    "issued_on": "2018-06-30",
}


@dataclass
class Kit:
    """Drives the registration API the way the web app does."""

    harness: ServiceHarness

    @property
    def client(self) -> httpx.AsyncClient:
        assert self.harness.client is not None
        return self.harness.client

    def candidate(self, account_id: UUID | None = None) -> dict[str, str]:
        return self.harness.headers(Role.CANDIDATE, account_id=account_id or uuid4())

    async def open_plan(self, **overrides: Any) -> ExamPlanPublished:
        event = plan_event(**overrides)
        await self.harness.deliver(event)
        return event

    async def close_window(self, plan: ExamPlanPublished) -> None:
        """Republish the plan with its registration window over."""
        now = datetime.now(UTC)
        await self.harness.deliver(
            plan.model_copy(
                update={
                    "event_id": uuid4(),
                    "occurred_at": now,
                    "registration_opens_at": now - timedelta(days=3),
                    "registration_closes_at": now - timedelta(seconds=1),
                }
            )
        )

    async def new_application(self, headers: dict[str, str], plan_id: UUID) -> dict[str, Any]:
        response = await self.client.post(
            f"{API}/applications", json={"plan_id": str(plan_id)}, headers=headers
        )
        assert response.status_code == 201, response.text
        return dict(response.json())

    async def put(
        self, headers: dict[str, str], application_id: str, step: str, body: dict[str, Any]
    ) -> httpx.Response:
        return await self.client.put(
            f"{API}/applications/{application_id}/{step}", json=body, headers=headers
        )

    async def fill(
        self, headers: dict[str, str], application_id: str, condition: str = "L1-B"
    ) -> None:
        chosen: dict[str, Any] = {"condition_code": condition}
        if condition == "L1-A":  # builds on a level-2 certificate
            chosen["prior_certificate"] = PRIOR_CERTIFICATE
        steps = [
            ("basic-info", BASIC_INFO),
            ("identity", {"identity": "employee"}),
            ("registration-info", REGISTRATION_INFO),
            ("condition", chosen),
        ]
        for step, body in steps:
            response = await self.put(headers, application_id, step, body)
            assert response.status_code == 200, response.text

    async def upload(
        self,
        headers: dict[str, str],
        application_id: str,
        kind: str,
        data: bytes,
        content_type: str = "image/jpeg",
        declared_size: int | None = None,
    ) -> httpx.Response:
        """Request a URL, PUT the bytes to the real S3 server, confirm."""
        size = len(data) if declared_size is None else declared_size
        response = await self.client.post(
            f"{API}/applications/{application_id}/documents",
            json={"kind": kind, "content_type": content_type, "size": size},
            headers=headers,
        )
        assert response.status_code == 201, response.text
        upload = response.json()["upload"]
        stored = await send_to_storage(upload, data, content_type)
        assert stored.is_success, stored.text
        return await self.client.post(
            f"{API}/applications/{application_id}/documents/"
            f"{response.json()['document_id']}/confirm",
            headers=headers,
        )

    async def submit(self, headers: dict[str, str], application_id: str) -> httpx.Response:
        return await self.client.post(
            f"{API}/applications/{application_id}/submit", headers=headers
        )

    async def get(self, headers: dict[str, str], application_id: str) -> dict[str, Any]:
        response = await self.client.get(f"{API}/applications/{application_id}", headers=headers)
        assert response.status_code == 200, response.text
        return dict(response.json())

    async def submitted_application(
        self, headers: dict[str, str] | None = None
    ) -> tuple[dict[str, str], ExamPlanPublished, dict[str, Any]]:
        """A plan, and an application to it filled in, with its photo, and submitted."""
        headers = headers or self.candidate()
        plan = await self.open_plan()
        application = await self.new_application(headers, plan.plan_id)
        await self.fill(headers, application["id"])
        confirmed = await self.upload(headers, application["id"], "photo", jpeg_between(45, 75))
        assert confirmed.status_code == 200, confirmed.text
        submitted = await self.submit(headers, application["id"])
        assert submitted.status_code == 200, submitted.text
        return headers, plan, submitted.json()


async def seed_application(
    harness: ServiceHarness, status: str = "submitted", revision: int = 1
) -> Application:
    """An application written straight to the database, for consumer tests that need a given
    status without walking the API there."""
    plan = plan_event()
    await harness.deliver(plan)
    now = datetime.now(UTC)
    application = Application(
        id=uuid4(),
        candidate_id=uuid4(),
        plan_id=plan.plan_id,
        org_id=plan.org_id,
        status=status,
        revision=revision,
        edited_since_submit=False,
        name="张三",
        id_type="resident_id",
        id_number=resident_id(),
        rejection_reasons=[],
        created_at=now,
        updated_at=now,
    )
    async with harness.ctx.sessionmaker() as session:
        session.add(application)
        await session.commit()
    return application


@pytest.fixture(scope="session")
async def harness() -> AsyncIterator[ServiceHarness]:
    # The tests hold the service to the seeds' full forms (see RegistrationSettings).
    async with ServiceHarness(build_spec, settings_overrides={"require_seed_fields": True}) as h:
        yield h


@pytest.fixture(autouse=True)
async def clean(harness: ServiceHarness) -> AsyncIterator[None]:
    await harness.reset()
    yield


@pytest.fixture
def kit(harness: ServiceHarness) -> Kit:
    return Kit(harness)


async def send_to_storage(upload: dict[str, Any], data: bytes, content_type: str) -> httpx.Response:
    """Upload as the browser would: the POST policy form, or a PUT."""
    async with httpx.AsyncClient() as s3:
        if upload["method"] == "POST":
            return await s3.post(
                upload["url"],
                data=upload["fields"],
                files={"file": ("upload", data, content_type)},
            )
        return await s3.put(upload["url"], content=data, headers=upload["headers"])
