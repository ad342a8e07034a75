"""Fixtures for the scoring tests. Tests reach helpers only through fixtures (never
`from tests...` imports), so several services' test packages can run in one pytest session."""

from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest
from sqlalchemy import func, select

from scoring.main import build_spec
from skillcert.auth import Role
from skillcert.events import CandidateScheduled, ExamPlanPublished, PlanSubject
from skillcert.testing import ServiceHarness, assert_problem

API = "/api/v1/scoring"
ORG = "ORG-DEMO"


class Scoring:
    """Arranges plans and rosters through the consumers, as the bus would, and calls the API."""

    def __init__(self, harness: ServiceHarness) -> None:
        self.harness = harness
        self.org_admin_id = uuid4()
        self.org = harness.tokens.headers(
            harness.tokens.principal(Role.ORG_ADMIN, ORG, self.org_admin_id).model_copy(
                update={"name": "王老师"}
            )
        )

    @property
    def client(self) -> httpx.AsyncClient:
        assert self.harness.client is not None
        return self.harness.client

    async def plan(
        self,
        subjects: Sequence[tuple[str, int, int]] = (("S1", 100, 60), ("S2", 100, 60)),
        org_id: str = ORG,
        **overrides: Any,
    ) -> ExamPlanPublished:
        now = datetime.now(UTC)
        event = ExamPlanPublished(
            plan_id=overrides.pop("plan_id", None) or uuid4(),
            org_id=org_id,
            org_name="示例培训评价组织",
            title="电子商务师一级 2026年第1次考核",
            occupation_code="4-01-02-02",
            occupation_name="电子商务师",
            level=1,
            level_name="一级/高级技师",
            registration_opens_at=now - timedelta(days=60),
            registration_closes_at=now - timedelta(days=30),
            exam_starts_at=now - timedelta(days=10),
            exam_ends_at=now - timedelta(days=9),
            fee_fen=40000,
            subjects=[
                PlanSubject(
                    code=code,
                    name=f"科目{code}",
                    method="computer",
                    full_score=Decimal(full),
                    pass_score=Decimal(pass_),
                )
                for code, full, pass_ in subjects
            ],
            **overrides,
        )
        await self.harness.deliver(event)
        return event

    async def plan_in(self, phase: str, **overrides: Any) -> ExamPlanPublished:
        """A plan with windows whose clock stands in `phase`: "before" (登记 not open yet),
        "registration" (登记), "publicity" (公示) or "ended" (公示 over)."""
        now = datetime.now(UTC)
        day = timedelta(days=1)
        starts = {
            "before": now + day,
            "registration": now - day,
            "publicity": now - 11 * day,
            "ended": now - 20 * day,
        }[phase]
        windows = {
            "scores_open_at": starts,
            "scores_close_at": starts + 10 * day,
            "publicity_opens_at": starts + 10 * day,
            "publicity_closes_at": starts + 17 * day,
        }
        return await self.plan(**{**windows, **overrides})

    async def schedule(
        self,
        plan: ExamPlanPublished,
        ticket_number: str,
        candidate_id: UUID | None = None,
        id_number: str = "370285199001015910",
        **overrides: Any,
    ) -> CandidateScheduled:
        values: dict[str, Any] = {
            "institution_id": "INST-DEMO",
            "institution_name": "示例职业技术学院",
            **overrides,
        }
        event = CandidateScheduled(
            application_id=uuid4(),
            candidate_id=candidate_id or uuid4(),
            plan_id=plan.plan_id,
            candidate_name="张三",
            id_number=id_number,
            ticket_number=ticket_number,
            site_name="示例职业技术学院考点",
            room_name="第1考场",
            seat_number=1,
            exam_starts_at=plan.exam_starts_at,
            **values,
        )
        await self.harness.deliver(event)
        return event

    async def import_scores(
        self,
        plan: ExamPlanPublished,
        subject: str,
        rows: Sequence[tuple[str, Any]],
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        return await self.client.post(
            f"{API}/plans/{plan.plan_id}/subjects/{subject}/scores",
            json={"scores": [{"ticket_number": t, "score": s} for t, s in rows]},
            headers=headers or self.org,
        )

    async def publicity(
        self, plan: ExamPlanPublished, ends_at: datetime | None = None
    ) -> httpx.Response:
        ends_at = ends_at or datetime.now(UTC) + timedelta(days=7)
        return await self.client.post(
            f"{API}/plans/{plan.plan_id}/publicity",
            json={"ends_at": ends_at.isoformat()},
            headers=self.org,
        )

    async def correct(self, plan: ExamPlanPublished, **body: Any) -> httpx.Response:
        payload = {"reason": "复核阅卷发现漏计分", **body}
        return await self.client.post(
            f"{API}/plans/{plan.plan_id}/corrections", json=payload, headers=self.org
        )

    async def lock(
        self, plan: ExamPlanPublished, headers: dict[str, str] | None = None
    ) -> httpx.Response:
        return await self.client.post(
            f"{API}/plans/{plan.plan_id}/lock", headers=headers or self.org
        )

    async def scores(self, plan: ExamPlanPublished) -> dict[str, dict[str, float]]:
        """{ticket: {subject: score}} as the organisation's list shows it."""
        response = await self.client.get(
            f"{API}/plans/{plan.plan_id}/scores?limit=200", headers=self.org
        )
        assert response.status_code == 200, response.text
        return {r["ticket_number"]: r["scores"] for r in response.json()["items"]}

    @staticmethod
    def problem(
        response: httpx.Response, status: int, *fields: str, **checks: Any
    ) -> dict[str, Any]:
        return assert_problem(response, status, *fields, **checks)

    async def count(self, model: type) -> int:
        async with self.harness.ctx.sessionmaker() as session:
            query = select(func.count()).select_from(model)
            return int((await session.execute(query)).scalar_one())


@pytest.fixture(scope="session")
async def harness() -> AsyncIterator[ServiceHarness]:
    async with ServiceHarness(build_spec) as h:
        yield h


@pytest.fixture
async def scoring(harness: ServiceHarness) -> Scoring:
    """Every database test starts empty; pure rule tests never touch the harness."""
    await harness.reset()
    return Scoring(harness)
