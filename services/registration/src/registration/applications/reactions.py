"""How an application follows what other services report: review decisions, payment,
scheduling, results, refunds, certificates and cancelled plans. consumers.py calls these once
per message (the inbox)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from registration.applications.history import move
from registration.applications.models import Application
from registration.applications.repository import ApplicationRepository
from registration.applications.rules import (
    CANCELLABLE,
    Action,
    ApplicationStatus,
    EventFit,
    clip_note,
    fit_of,
    yuan,
)
from skillcert.bus import RetryLater
from skillcert.clock import utcnow
from skillcert.events import ApplicationRejected, CertificateRevoked, OrderRefunded

log = logging.getLogger("registration.applications")


class Reactions:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repo = ApplicationRepository(session)

    async def review_approved(self, application_id: UUID, revision: int) -> None:
        await self._decide(application_id, revision, Action.APPROVE, [])

    async def review_rejected(self, event: ApplicationRejected) -> None:
        reasons = [r.model_dump() for r in event.reasons]
        await self._decide(event.application_id, event.revision, Action.REJECT, reasons)

    async def _decide(
        self, application_id: UUID, revision: int, action: Action, reasons: list[dict[str, Any]]
    ) -> None:
        application = await self.repo.for_update(application_id)
        if application is None:
            log.warning("review decision for unknown application %s ignored", application_id)
            return
        if revision < application.revision:
            # The candidate resubmitted meanwhile; the decision judged an older revision.
            log.info("stale %s of %s revision %d ignored", action, application_id, revision)
            return
        if revision > application.revision:
            raise RetryLater(f"decision on revision {revision} before its submission")
        if application.status != ApplicationStatus.SUBMITTED:
            log.info("%s of %s in status %s ignored", action, application_id, application.status)
            return
        application.rejection_reasons = reasons
        move(self.repo, application, action, reasons=reasons)
        await self.session.flush()

    async def advance(
        self,
        application_id: UUID,
        action: Action,
        change: Callable[[Application], None] | None = None,
        note: str | None = None,
    ) -> None:
        """Move the application along the journey (paid, scheduled, result, certified)."""
        application = await self.repo.for_update(application_id)
        if application is None:
            log.warning("%s for unknown application %s ignored", action, application_id)
            return
        await self._advance(application, action, change, note)

    async def _advance(
        self,
        application: Application,
        action: Action,
        change: Callable[[Application], None] | None,
        note: str | None,
    ) -> None:
        fit = fit_of(ApplicationStatus(application.status), action)
        if fit is EventFit.TOO_EARLY:
            raise RetryLater(f"{action} of {application.id} in status {application.status}")
        if fit is EventFit.STALE:
            log.info("%s of %s in status %s ignored", action, application.id, application.status)
            return
        if change is not None:
            change(application)
        move(self.repo, application, action, note=note)
        await self.session.flush()

    async def cancel_for_plan(self, plan_id: UUID, reason: str) -> list[Application]:
        """End every application of a cancelled plan that is not final (考试计划已取消). The
        caller holds the plan's lock, so no application of it appears meanwhile."""
        cancellable = await self.repo.of_plan_in(plan_id, CANCELLABLE, lock=True)
        note = clip_note(f"考试计划已取消：{reason}")
        for application in cancellable:
            move(self.repo, application, Action.CANCEL, note=note)
        await self.session.flush()
        log.info("plan %s cancelled: %d applications ended", plan_id, len(cancellable))
        return cancellable

    async def refunded(self, event: OrderRefunded) -> None:
        """Record the refund whatever the status; only a paid or scheduled application moves
        (see the REFUND transitions): withdrawn, cancelled and sat ones keep their status."""
        application = await self.repo.for_update(event.application_id)
        if application is None:
            log.warning("refund for unknown application %s ignored", event.application_id)
            return
        fit = fit_of(ApplicationStatus(application.status), Action.REFUND)
        if fit is EventFit.TOO_EARLY:
            raise RetryLater(f"refund of {application.id} in status {application.status}")
        application.refund_order_id = event.order_id
        application.refunded_fen = event.amount_fen
        application.refunded_at = event.refunded_at
        application.updated_at = utcnow()
        if fit is EventFit.APPLY:
            move(self.repo, application, Action.REFUND, note=f"已退费 {yuan(event.amount_fen)} 元")
        else:
            log.info("refund of %s recorded in status %s", application.id, application.status)
        await self.session.flush()

    async def certificate_revoked(self, event: CertificateRevoked) -> None:
        application = await self.repo.of_certificate(
            event.candidate_id, event.certificate_id, event.certificate_number, lock=True
        )
        if application is None:
            if await self.repo.awaiting_certificate(event.candidate_id):
                # The issuance has not reached us yet; the revocation waits for it.
                raise RetryLater(f"revocation of {event.certificate_id} before its issuance")
            log.warning("revocation of unknown certificate %s ignored", event.certificate_id)
            return

        def set_revocation(a: Application) -> None:
            a.certificate_revoked_at = event.revoked_at
            a.certificate_revocation_reason = event.reason

        await self._advance(
            application,
            Action.REVOKE_CERTIFICATE,
            set_revocation,
            note=clip_note(f"证书编号 {event.certificate_number} 已撤销：{event.reason}"),
        )
