"""Builders for the refund tests."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from payment.orders.models import Order
from payment.refunds.jobs import query_awaiting_refunds, submit_due_refunds
from payment.refunds.models import Refund
from skillcert.clock import utcnow
from skillcert.events import ApplicationWithdrawn, ExamPlanCancelled
from skillcert.testing import ServiceHarness
from tests.support import (
    REFUND_COMPLETE,
    REFUND_NOTIFY,
    Payable,
    PaymentHarness,
    paid_application,
)


async def refunds(harness: ServiceHarness) -> list[Refund]:
    async with harness.ctx.sessionmaker() as session:
        return list((await session.execute(select(Refund).order_by(Refund.created_at))).scalars())


async def order_of(harness: ServiceHarness, order_id: Any) -> Order:
    async with harness.ctx.sessionmaker() as session:
        order = await session.get(Order, order_id)
        assert order is not None
        return order


def withdrawal(app: Payable, paid: bool = True) -> ApplicationWithdrawn:
    """As registration publishes it: `paid` when the candidate had paid (registration allows
    that only before the plan's withdrawal deadline)."""
    return ApplicationWithdrawn(
        application_id=app.application_id,
        candidate_id=app.candidate_id,
        plan_id=app.plan_id,
        reason="个人原因",
        paid=paid,
    )


def cancellation(plan_id: Any) -> ExamPlanCancelled:
    return ExamPlanCancelled(plan_id=plan_id, org_id="ORG-DEMO", reason="考点不可用")


async def submit(harness: ServiceHarness, at: datetime | None = None) -> dict[str, int]:
    return dict(await submit_due_refunds(harness.ctx, at or utcnow() + timedelta(seconds=1)))


async def complete(
    harness: ServiceHarness,
    out_refund_no: str,
    status: str = "SUCCESS",
    duplicates: int = 0,
    notify: bool = True,
) -> dict[str, Any]:
    """The provider finishes the refund and calls our webhook (over ASGI, signed); with
    notify=False the notification is lost on the way."""
    assert isinstance(harness, PaymentHarness)
    response = await harness.provider.post(
        REFUND_COMPLETE.format(out_refund_no),
        json={"status": status, "duplicates": duplicates, "notify": notify},
    )
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


async def renotify(harness: ServiceHarness, out_refund_no: str, duplicates: int = 0) -> Any:
    """The provider's (late) retry of a finished refund's notification."""
    assert isinstance(harness, PaymentHarness)
    response = await harness.provider.post(
        REFUND_NOTIFY.format(out_refund_no), json={"duplicates": duplicates}
    )
    assert response.status_code == 200, response.text
    return response.json()["notification"]


async def refunding(harness: ServiceHarness) -> tuple[Payable, Order, Refund]:
    """A paid order, withdrawn in time, its refund accepted by the provider."""
    app, order = await paid_application(harness)
    await harness.deliver(withdrawal(app))
    assert await submit(harness) == {"accepted": 1}
    [refund] = await refunds(harness)
    return app, order, refund


async def query(harness: ServiceHarness, at: datetime) -> dict[str, int]:
    """One pass of the refund query job at `at`."""
    return dict(await query_awaiting_refunds(harness.ctx, at))
