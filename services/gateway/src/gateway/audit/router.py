from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from fastapi import Depends, Query

from gateway.audit.schemas import AuditTrailEntryOut
from gateway.audit.service import AuditService
from skillcert.access import Owner, access
from skillcert.auth import Principal, Role, require_roles
from skillcert.errors import problem_responses
from skillcert.http import DbSession, service_router
from skillcert.paging import Page

router = service_router("/api/v1/gateway", tags=["gateway"])
Ops = Annotated[Principal, Depends(require_roles(Role.OPS))]


@router.get(
    "/ops/audit",
    response_model=Page[AuditTrailEntryOut],
    responses=problem_responses(401, 403, 422),
    **access(ops=Owner.ANY),
)
async def audit_trail(
    _ops: Ops,
    session: DbSession,
    actor_id: UUID | None = None,
    person_id: UUID | None = None,
    kind: Literal["view", "decision", "configuration"] | None = None,
    action: Annotated[str | None, Query(min_length=2, max_length=100)] = None,
    since: datetime | None = None,
    until: datetime | None = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Page[AuditTrailEntryOut]:
    """The audit trail (审计记录), newest first: staff views of personal data, decisions and
    configuration changes across every service; ops only."""
    return await AuditService(session).search(
        actor_id=actor_id,
        person_id=person_id,
        kind=kind,
        action=action,
        since=since,
        until=until,
        cursor=cursor,
        limit=limit,
    )
