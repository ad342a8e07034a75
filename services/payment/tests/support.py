"""Builders shared by the payment tests: the events that make an application payable."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import httpx
from sqlalchemy import select

from payment.orders.models import Order
from payment.provider import NotificationVerifier, WeChatPayClient
from payment.wechat import WeChatPay
from skillcert.auth import Role
from skillcert.events import ApplicationApproved, ExamPlanPublished, PlanSubject
from skillcert.testing import ServiceHarness
from skillcert_devtools.wechatpay import SimulatorState

FEE_FEN = 12000
ORDERS = "/api/v1/payment/orders"
WEBHOOK = "/api/v1/payment/webhooks/wechatpay"
# The simulator's controls (its own server, an ops token): the payer scans and pays.
SCAN_AND_PAY = "/simulator/scan-and-pay"


class PaymentHarness(ServiceHarness):
    """The service harness with the WeChat Pay simulator beside it: `simulator` is what the
    provider knows, `provider` an HTTP client for its controls carrying an ops token."""

    simulator: SimulatorState
    provider: httpx.AsyncClient


@dataclass
class Channel:
    """The service's WeChat Pay channel and, beside it, the simulator it talks to over HTTP
    (the service itself knows only the simulator's address)."""

    wechatpay: WeChatPay
    simulator: SimulatorState

    @property
    def client(self) -> WeChatPayClient:
        return self.wechatpay.client

    @property
    def verifier(self) -> NotificationVerifier:
        return self.wechatpay.verifier

    @property
    def api_v3_key(self) -> bytes:
        return self.wechatpay.api_v3_key

    @property
    def appid(self) -> str:
        return self.wechatpay.appid

    @property
    def mchid(self) -> str:
        return self.wechatpay.mchid

    @property
    def notify_url(self) -> str:
        return self.wechatpay.notify_url


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


def approved(
    application_id: UUID,
    candidate_id: UUID,
    plan_id: UUID,
    institution_id: str | None = None,
    revision: int = 1,
) -> ApplicationApproved:
    """A candidate's own approval (pays by QR code); from an institution's roster if given."""
    return ApplicationApproved(
        application_id=application_id,
        candidate_id=candidate_id,
        plan_id=plan_id,
        revision=revision,
        candidate_name="张三",
        id_number="110101199003074514",
        decided_at=datetime.now(UTC),
        institution_id=institution_id,
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


REFUND_COMPLETE = "/simulator/refunds/{}/complete"
REFUND_NOTIFY = "/simulator/refunds/{}/notify"
REQUESTS = "/api/v1/payment/requests"
RECONCILIATIONS = "/api/v1/payment/reconciliations"

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(serial: int, region: str = "110101", birth: str = "19900307") -> str:
    """A valid 18-digit resident ID (correct check digit), different for every serial."""
    body = f"{region}{birth}{serial % 1000:03d}"
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body, _ID_WEIGHTS, strict=True)) % 11]
    return body + check


SCHOOL = "INST-001"


def student(
    plan_id: UUID,
    name: str,
    serial: int,
    application_id: UUID | None = None,
    institution_id: str | None = SCHOOL,
) -> ApplicationApproved:
    """An approved application of an institution's student (its roster holds the candidate)."""
    return ApplicationApproved(
        application_id=application_id or uuid4(),
        candidate_id=uuid4(),
        plan_id=plan_id,
        revision=1,
        candidate_name=name,
        id_number=id_number(serial),
        decided_at=datetime.now(UTC),
        institution_id=institution_id,
    )


async def pay_by_scan(harness: ServiceHarness, out_trade_no: str) -> dict:  # type: ignore[type-arg]
    assert isinstance(harness, PaymentHarness)
    paid = await harness.provider.post(SCAN_AND_PAY, json={"out_trade_no": out_trade_no})
    assert paid.status_code == 200, paid.text
    assert paid.json()["notification"]["delivered"] is True
    result: dict = paid.json()  # type: ignore[type-arg]
    return result


async def paid_application(
    harness: ServiceHarness, fee_fen: int = FEE_FEN
) -> tuple[Payable, Order]:
    """An approved application whose fee was paid by QR code (OrderPaid recorded)."""
    app = await payable(harness, fee_fen=fee_fen)
    created = await app.create_order()
    assert created.status_code == 201, created.text
    await pay_by_scan(harness, created.json()["out_trade_no"])
    [order] = [o for o in await orders(harness) if o.application_id == app.application_id]
    assert order.status == "paid"
    return app, order


async def payable_in(harness: ServiceHarness, plan_id: UUID) -> Payable:
    """Another approved application of an already published plan."""
    result = Payable(uuid4(), uuid4(), plan_id, harness)
    await harness.deliver(approved(result.application_id, result.candidate_id, plan_id))
    return result


async def pay(app: Payable) -> Order:
    """Order and pay by QR code; returns the paid order."""
    created = await app.create_order()
    assert created.status_code == 201, created.text
    await pay_by_scan(app.harness, created.json()["out_trade_no"])
    [order] = [o for o in await orders(app.harness) if o.application_id == app.application_id]
    return order
