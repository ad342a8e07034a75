from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from payment.reconciliation.rules import FindingAction, FindingKind, RunStatus, RunTrigger


class RunReconciliation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    bill_date: date


class FindingOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    kind: FindingKind
    action: FindingAction
    out_trade_no: str
    order_id: UUID | None
    provider_transaction_id: str | None
    our_amount_fen: int | None
    provider_amount_fen: int | None
    detail: str


class RunOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    run_id: UUID
    bill_date: date
    trigger: RunTrigger
    status: RunStatus
    started_at: datetime
    finished_at: datetime
    provider_rows: int
    matched: int
    differences: int
    error: str | None


class RunDetail(RunOut):
    findings: list[FindingOut]
