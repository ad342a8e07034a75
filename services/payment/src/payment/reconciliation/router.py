from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import Depends, Query, Request

from payment.context import context
from payment.reconciliation.rules import RunTrigger, bill_date_problem
from payment.reconciliation.schemas import RunDetailOut, RunIn, RunOut
from payment.reconciliation.service import ReconciliationService
from skillcert.access import Owner, access
from skillcert.auth import Principal, Role, require_roles
from skillcert.clock import utcnow
from skillcert.errors import FieldError, InvalidInput, problem_responses
from skillcert.http import DbSession, service_router
from skillcert.paging import Page

router = service_router("/api/v1/payment", tags=["payment-reconciliation"])

# The bill is the platform merchant's: platform operators and the certifying organisations
# (who receive the fees) look at it; it holds order numbers and amounts, no personal data.
Auditor = Annotated[Principal, Depends(require_roles(Role.OPS, Role.ORG_ADMIN))]


def _service(request: Request, session: DbSession) -> ReconciliationService:
    return ReconciliationService(session, context(request).resources.wechatpay)


Service = Annotated[ReconciliationService, Depends(_service)]


@router.get(
    "/reconciliations",
    response_model=Page[RunOut],
    responses=problem_responses(401, 403, 422),
    **access(org_admin=Owner.ANY, ops=Owner.ANY),
)
async def list_reconciliations(
    _: Auditor,
    service: Service,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> Page[RunOut]:
    """Reconciliation runs (对账记录), newest first."""
    runs = await service.page(cursor, limit)
    return runs.page(RunOut.from_model)


@router.get(
    "/reconciliations/{run_id}",
    response_model=RunDetailOut,
    responses=problem_responses(401, 403, 404, 422),
    **access(org_admin=Owner.ANY, ops=Owner.ANY),
)
async def get_reconciliation(run_id: UUID, _: Auditor, service: Service) -> RunDetailOut:
    """One run with its findings."""
    return RunDetailOut.of(*await service.with_findings(run_id))


@router.post(
    "/reconciliations",
    status_code=201,
    response_model=RunDetailOut,
    responses=problem_responses(401, 403, 422),
    **access(org_admin=Owner.ANY, ops=Owner.ANY),
)
async def run_reconciliation(body: RunIn, principal: Auditor, service: Service) -> RunDetailOut:
    """Reconcile one day's bill now (e.g. again after a failed or disputed run). A bill the
    provider cannot deliver gives a run with status failed and the reason."""
    at = utcnow()
    problem = bill_date_problem(body.bill_date, at)
    if problem is not None:
        raise InvalidInput(problem, errors=[FieldError(field="bill_date", message=problem)])
    run = await service.run(body.bill_date, RunTrigger.MANUAL, at, principal.account_id)
    return RunDetailOut.of(*await service.with_findings(run.id))
