from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from payment.orders.rules import OrderStatus


class CreateOrder(BaseModel):
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
