from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from payment.payment_requests.rules import RequestMode, RequestStatus


class ConfirmPaymentRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    request_no: str = Field(min_length=1, max_length=20, description="缴费单号, as on the transfer")


class PaymentRequestItemOut(BaseModel):
    line: int
    application_id: UUID
    candidate_name: str
    id_number: str = Field(description="masked: 370285********5910")
    subject_code: str | None
    amount_fen: int


class PaymentRequestOut(BaseModel):
    request_id: UUID
    request_no: str
    plan_id: UUID
    plan_title: str
    org_id: str
    institution_id: str
    mode: RequestMode
    status: RequestStatus
    item_count: int
    student_count: int
    total_fen: int
    created_at: datetime
    confirmed_at: datetime | None


class PaymentRequestDetail(PaymentRequestOut):
    items: list[PaymentRequestItemOut]
