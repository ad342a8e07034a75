"""The audit trail's store: every service's entries (audit.recorded.v1) kept once each."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from gateway.audit.service import AuditService
from skillcert.events import AuditRecorded


async def on_audit_recorded(session: AsyncSession, event: AuditRecorded) -> None:
    await AuditService(session).keep(event)
