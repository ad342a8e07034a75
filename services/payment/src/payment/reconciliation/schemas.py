from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from payment.reconciliation.models import ReconciliationFinding, ReconciliationRun
from payment.reconciliation.rules import FindingAction, FindingKind, RunStatus, RunTrigger


class RunIn(BaseModel):
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

    @classmethod
    def from_model(cls, run: ReconciliationRun) -> RunOut:
        return cls(
            run_id=run.id,
            bill_date=run.bill_date,
            trigger=RunTrigger(run.trigger),
            status=RunStatus(run.status),
            started_at=run.started_at,
            finished_at=run.finished_at,
            provider_rows=run.provider_rows,
            matched=run.matched,
            differences=run.differences,
            error=run.error,
        )


class RunDetailOut(RunOut):
    findings: list[FindingOut]

    @classmethod
    def of(cls, run: ReconciliationRun, findings: list[ReconciliationFinding]) -> RunDetailOut:
        return cls(
            **RunOut.from_model(run).model_dump(),
            findings=[FindingOut.model_validate(f) for f in findings],
        )
