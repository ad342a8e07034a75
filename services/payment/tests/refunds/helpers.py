"""Builders for the refund tests."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from payment.orders.models import Order
from payment.refunds.jobs import submit_due_refunds
from payment.refunds.models import Refund
from skillcert.events import ApplicationWithdrawn, ExamPlanCancelled, utcnow
from skillcert.testing import ServiceHarness
from tests.support import REFUND_COMPLETE, Payable


async def refunds(harness: ServiceHarness) -> list[Refund]:
    async with harness.ctx.sessionmaker() as session:
        return list((await session.execute(select(Refund).order_by(Refund.created_at))).scalars())


async def order_of(harness: ServiceHarness, order_id: Any) -> Order:
    async with harness.ctx.sessionmaker() as session:
        order = await session.get(Order, order_id)
        assert order is not None
        return order


def withdrawal(app: Payable, at: datetime | None = None) -> ApplicationWithdrawn:
    return ApplicationWithdrawn(
        application_id=app.application_id,
        candidate_id=app.candidate_id,
        plan_id=app.plan_id,
        reason="个人原因",
        occurred_at=at or utcnow(),
    )


def cancellation(plan_id: Any) -> ExamPlanCancelled:
    return ExamPlanCancelled(plan_id=plan_id, org_id="ORG-DEMO", reason="考点不可用")


async def submit(harness: ServiceHarness, at: datetime | None = None) -> dict[str, int]:
    return dict(await submit_due_refunds(harness.ctx, at or utcnow() + timedelta(seconds=1)))


async def complete(
    harness: ServiceHarness, out_refund_no: str, status: str = "SUCCESS", duplicates: int = 0
) -> dict[str, Any]:
    """The provider finishes the refund and calls our webhook (over ASGI, signed)."""
    assert harness.client is not None
    response = await harness.client.post(
        REFUND_COMPLETE.format(out_refund_no), json={"status": status, "duplicates": duplicates}
    )
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result
