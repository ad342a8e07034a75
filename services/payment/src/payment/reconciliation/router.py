from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import Depends, Query, Request

from payment.context import context
from payment.reconciliation.models import ReconciliationRun
from payment.reconciliation.repository import ReconciliationRepository
from payment.reconciliation.rules import RunStatus, RunTrigger, bill_date_problem
from payment.reconciliation.schemas import FindingOut, RunDetail, RunOut, RunReconciliation
from payment.reconciliation.service import ReconciliationService
from skillcert.auth import Principal, Role, require_roles
from skillcert.clock import utcnow
from skillcert.errors import FieldError, InvalidInput, NotFound, problem_responses
from skillcert.http import DbSession, service_router
from skillcert.paging import Page

router = service_router("/api/v1/payment", tags=["payment-reconciliation"])

# The bill is the platform merchant's: platform operators and the certifying organisations
# (who receive the fees) look at it; it holds order numbers and amounts, no personal data.
Auditor = Annotated[Principal, Depends(require_roles(Role.OPS, Role.ORG_ADMIN))]


def _out(run: ReconciliationRun) -> RunOut:
    return RunOut(
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


async def _detail(session: DbSession, run: ReconciliationRun) -> RunDetail:
    findings = await ReconciliationRepository(session).findings(run.id)
    return RunDetail(
        **_out(run).model_dump(), findings=[FindingOut.model_validate(f) for f in findings]
    )


@router.get(
    "/reconciliations",
    response_model=Page[RunOut],
    responses=problem_responses(401, 403, 422),
)
async def list_reconciliations(
    _: Auditor,
    session: DbSession,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> Page[RunOut]:
    """Reconciliation runs (对账记录), newest first."""
    runs = await ReconciliationRepository(session).page(cursor, limit)
    return runs.page(_out)


@router.get(
    "/reconciliations/{run_id}",
    response_model=RunDetail,
    responses=problem_responses(401, 403, 404, 422),
)
async def get_reconciliation(run_id: UUID, _: Auditor, session: DbSession) -> RunDetail:
    """One run with its findings."""
    run = await ReconciliationRepository(session).get(run_id)
    if run is None:
        raise NotFound("对账记录不存在")
    return await _detail(session, run)


@router.post(
    "/reconciliations",
    status_code=201,
    response_model=RunDetail,
    responses=problem_responses(401, 403, 422),
)
async def run_reconciliation(
    body: RunReconciliation, principal: Auditor, session: DbSession, request: Request
) -> RunDetail:
    """Reconcile one day's bill now (e.g. again after a failed or disputed run). A bill the
    provider cannot deliver gives a run with status failed and the reason."""
    at = utcnow()
    problem = bill_date_problem(body.bill_date, at)
    if problem is not None:
        raise InvalidInput(problem, errors=[FieldError(field="bill_date", message=problem)])
    service = ReconciliationService(session, context(request).resources.wechatpay)
    run = await service.run(body.bill_date, RunTrigger.MANUAL, at, principal.account_id)
    return await _detail(session, run)
