from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from payment.payment_requests.models import PaymentRequest
from payment.payment_requests.rules import RequestMode, RequestStatus
from skillcert.pii import mask_id_number


class PaymentRequestConfirmIn(BaseModel):
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

    @classmethod
    def from_model(cls, request: PaymentRequest) -> PaymentRequestOut:
        return cls(
            request_id=request.id,
            request_no=request.request_no,
            plan_id=request.plan_id,
            plan_title=request.plan_title,
            org_id=request.org_id,
            institution_id=request.institution_id,
            mode=RequestMode(request.mode),
            status=RequestStatus(request.status),
            item_count=request.item_count,
            student_count=request.student_count,
            total_fen=request.total_fen,
            created_at=request.created_at,
            confirmed_at=request.confirmed_at,
        )


class PaymentRequestDetailOut(PaymentRequestOut):
    items: list[PaymentRequestItemOut]

    @classmethod
    def from_model(cls, request: PaymentRequest) -> PaymentRequestDetailOut:
        """With its lines, ID numbers masked; `request.items` must be loaded."""
        return cls(
            **PaymentRequestOut.from_model(request).model_dump(),
            items=[
                PaymentRequestItemOut(
                    line=item.line,
                    application_id=item.application_id,
                    candidate_name=item.candidate_name,
                    id_number=mask_id_number(item.id_number) or "",
                    subject_code=item.subject_code,
                    amount_fen=item.amount_fen,
                )
                for item in request.items
            ],
        )
