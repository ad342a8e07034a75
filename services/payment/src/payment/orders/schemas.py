from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from payment.orders import qr
from payment.orders.models import Order
from payment.orders.rules import OrderStatus, is_payable


class OrderIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    application_id: UUID


class OrderOut(BaseModel):
    """An order as the candidate sees it; the QR code (SVG) is included while payable."""

    order_id: UUID
    application_id: UUID
    plan_id: UUID
    out_trade_no: str
    description: str
    amount_fen: int
    currency: Literal["CNY"]
    status: OrderStatus
    code_url: str | None
    qr_svg: str | None
    qr_svg_url: str
    qr_png_url: str
    created_at: datetime
    expires_at: datetime
    paid_at: datetime | None

    @classmethod
    def from_model(cls, order: Order, now: datetime, base_url: str) -> OrderOut:
        """`base_url`: where the order is served, for its QR code links."""
        payable = order.code_url is not None and is_payable(order.status, order.expires_at, now)
        return cls(
            order_id=order.id,
            application_id=order.application_id,
            plan_id=order.plan_id,
            out_trade_no=order.out_trade_no,
            description=order.description,
            amount_fen=order.amount_fen,
            currency="CNY",
            status=OrderStatus(order.status),
            code_url=order.code_url if payable else None,
            qr_svg=qr.svg(order.code_url) if payable and order.code_url else None,
            qr_svg_url=f"{base_url}/qr.svg",
            qr_png_url=f"{base_url}/qr.png",
            created_at=order.created_at,
            expires_at=order.expires_at,
            paid_at=order.paid_at,
        )
