"""The audit trail (审计记录), one mechanism for every service.

What a service records: every staff view of a person's documents or personal details, every
staff decision and every configuration change, each with who, when, what and why. The entry
travels through the outbox in the transaction of what it records, so an entry exists exactly
when the thing it describes happened; the gateway keeps the trail and ops query it there
(`GET /api/v1/gateway/ops/audit`).
"""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from skillcert.auth import Principal
from skillcert.clock import utcnow
from skillcert.events import AuditRecorded
from skillcert.outbox import record

AuditKind = Literal["view", "decision", "configuration"]


async def audit(
    session: AsyncSession,
    actor: Principal,
    *,
    kind: AuditKind,
    action: str,
    subject_type: str,
    subject_id: str | UUID,
    reason: str,
    person_id: UUID | None = None,
) -> AuditRecorded:
    """Record that `actor` did `action` on the subject, in the session's transaction."""
    service = action.split(".", 1)[0]
    event = AuditRecorded(
        service=service,
        kind=kind,
        action=action,
        actor_id=actor.account_id,
        actor_role=actor.role.value,
        actor_org=actor.org_id,
        subject_type=subject_type,
        subject_id=str(subject_id),
        person_id=person_id,
        # The trail keeps 500 characters of it (a reviewer's reasons can run longer).
        reason=reason[:500],
        at=utcnow(),
    )
    await record(session, event)
    return event
