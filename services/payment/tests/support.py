"""Builders shared by the payment tests: the events that make an application payable."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import httpx
from sqlalchemy import select

from payment.orders.models import Order
from skillcert.auth import Role
from skillcert.events import ApplicationApproved, ExamPlanPublished, PlanSubject
from skillcert.testing import ServiceHarness

FEE_FEN = 12000
ORDERS = "/api/v1/payment/orders"
WEBHOOK = "/api/v1/payment/webhooks/wechatpay"
SCAN_AND_PAY = "/api/v1/payment/simulator/simulator/scan-and-pay"


def plan_published(
    plan_id: UUID | None = None, fee_fen: int = FEE_FEN, exam_in: timedelta = timedelta(days=30)
) -> ExamPlanPublished:
    now = datetime.now(UTC)
    return ExamPlanPublished(
        plan_id=plan_id or uuid4(),
        org_id="ORG-DEMO",
        org_name="示例培训评价组织",
        title="2026年第一批电子商务师一级认定",
        occupation_code="4-01-02-02",
        occupation_name="电子商务师",
        level=1,
        level_name="一级/高级技师",
        registration_opens_at=now - timedelta(days=5),
        registration_closes_at=now + timedelta(days=10),
        exam_starts_at=now + exam_in,
        exam_ends_at=now + exam_in + timedelta(hours=3),
        fee_fen=fee_fen,
        subjects=[PlanSubject(code="T1", name="理论知识", method="computer")],
    )


def approved(application_id: UUID, candidate_id: UUID, plan_id: UUID) -> ApplicationApproved:
    return ApplicationApproved(
        application_id=application_id,
        candidate_id=candidate_id,
        plan_id=plan_id,
        revision=1,
        candidate_name="张三",
        id_number="110101199003074514",
        decided_at=datetime.now(UTC),
    )


@dataclass
class Payable:
    """An approved application of a published plan, as the events leave it here."""

    application_id: UUID
    candidate_id: UUID
    plan_id: UUID
    harness: ServiceHarness

    @property
    def headers(self) -> dict[str, str]:
        return self.harness.headers(Role.CANDIDATE, account_id=self.candidate_id)

    async def create_order(self, **headers: str) -> httpx.Response:
        assert self.harness.client is not None
        return await self.harness.client.post(
            ORDERS,
            json={"application_id": str(self.application_id)},
            headers={**self.headers, **headers},
        )


async def payable(
    harness: ServiceHarness, fee_fen: int = FEE_FEN, exam_in: timedelta = timedelta(days=30)
) -> Payable:
    plan = plan_published(fee_fen=fee_fen, exam_in=exam_in)
    await harness.deliver(plan)
    result = Payable(uuid4(), uuid4(), plan.plan_id, harness)
    await harness.deliver(approved(result.application_id, result.candidate_id, plan.plan_id))
    return result


async def orders(harness: ServiceHarness) -> list[Order]:
    async with harness.ctx.sessionmaker() as session:
        return list((await session.execute(select(Order).order_by(Order.created_at))).scalars())
